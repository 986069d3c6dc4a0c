using Dapr.Actors;
using Dapr.Actors.Runtime;
using DaprOrders.Contracts;

namespace DaprOrders.TestDoubles;

/// <summary>
/// Actors of one type run in process for component tests: state per actor id in an
/// <see cref="InMemoryActorStateManager"/>, and one call at a time, as Dapr's turn-based access does (a single turn
/// for all ids is stricter than Dapr and keeps the tests deterministic).
/// </summary>
/// <param name="create">Builds a fresh activation over the host and the actor's state, as the runtime does per turn.</param>
public sealed class InProcessActors<TActor>(Func<ActorHost, IActorStateManager, TActor> create) : IDisposable
    where TActor : Actor
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Dictionary<string, InMemoryActorStateManager> _states = [];

    /// <summary>The committed state of actor <paramref name="id"/>, or null when it never ran.</summary>
    public InMemoryActorStateManager? StateOf(string id)
    {
        lock (_states)
        {
            return _states.GetValueOrDefault(id);
        }
    }

    /// <summary>Runs <paramref name="call"/> on a fresh activation of actor <paramref name="id"/> in its own turn.</summary>
    public async Task<T> InTurnAsync<T>(string id, Func<TActor, Task<T>> call, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            InMemoryActorStateManager state;
            lock (_states)
            {
                if (!_states.TryGetValue(id, out state!))
                {
                    _states[id] = state = new InMemoryActorStateManager();
                }
            }

            // A failed turn leaves no unsaved changes behind, as in the real runtime.
            state.Restart();
            var host = ActorHost.CreateForTest<TActor>(new ActorTestOptions
            {
                ActorId = new ActorId(id),
                JsonSerializerOptions = ContractsJson.Options,
            });
            return await call(create(host, state));
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Runs a call that returns nothing in a turn of actor <paramref name="id"/>.</summary>
    public Task InTurnAsync(string id, Func<TActor, Task> call, CancellationToken cancellationToken) =>
        InTurnAsync(id, async actor => { await call(actor); return true; }, cancellationToken);

    public void Dispose() => _turn.Dispose();
}
