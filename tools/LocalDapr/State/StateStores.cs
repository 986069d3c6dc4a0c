// Actor state for the actors feature: StateStores.ActorStateStore (an IActorStateStore over the component marked
// `actorStateStore: "true"`, keys `<appId>||<actorType>||<actorId>||<key>`, get + transactional multi-op).
using DaprOrders.LocalDapr.Actors;
using DaprOrders.LocalDapr.Components;

namespace DaprOrders.LocalDapr.State;

/// <summary>
/// One store per `state.*` component, shared by all sidecars of the runtime (as daprd shares the backing store).
/// </summary>
public sealed class StateStores : IDisposable
{
    private readonly Dictionary<string, InMemoryStateStore> _stores;

    public StateStores(RuntimeResources resources, TimeProvider time)
    {
        _stores = resources.OfType("state.")
            .ToDictionary(c => c.Name, c => new InMemoryStateStore(c, time), StringComparer.Ordinal);
        var actorStores = _stores.Values
            .Where(s => string.Equals(s.Component.GetMetadata("actorStateStore"), "true", StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (actorStores.Count > 1)
        {
            throw new ResourceException(actorStores[1].Component.SourceFile, "spec.metadata.actorStateStore", null,
                $"only one state store may be the actor state store (also '{actorStores[0].Component.Name}')");
        }

        ActorStateStore = new ActorStateStore(actorStores.FirstOrDefault());
    }

    /// <summary>
    /// Actor state (keys built by the actors feature); throws ActorStateStoreMissingException without one.
    /// </summary>
    public IActorStateStore ActorStateStore { get; }

    public bool Any => _stores.Count > 0;

    /// <summary>
    /// The store <paramref name="name"/> as <paramref name="appId"/> sees it (scopes honoured), or null.
    /// </summary>
    public InMemoryStateStore? Find(string name, string appId) =>
        _stores.TryGetValue(name, out var store) && store.Component.IsVisibleTo(appId) ? store : null;

    public void Dispose()
    {
        foreach (var store in _stores.Values)
        {
            store.Dispose();
        }
    }
}

/// <summary>
/// IActorStateStore over a state store: keys are used as given (the actors feature builds them).
/// </summary>
internal sealed class ActorStateStore(InMemoryStateStore? store) : IActorStateStore
{
    public Task<ActorStateValue?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var found = Store.Get(key);
        return Task.FromResult(found is null ? null : new ActorStateValue(found.Value, found.ExpiresAt));
    }

    public Task TransactAsync(IReadOnlyList<ActorStateOperation> operations, CancellationToken cancellationToken)
    {
        Store.Apply(operations.Select(o => o.Value is { } value
            ? (StateOperation)new StateUpsert(o.Key, value, null, false, o.TtlSeconds)
            : new StateDelete(o.Key, null, false)).ToList());
        return Task.CompletedTask;
    }

    private InMemoryStateStore Store => store ?? throw new ActorStateStoreMissingException();
}
