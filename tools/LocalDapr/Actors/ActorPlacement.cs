using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using DaprOrders.LocalDapr.Sidecars;

namespace DaprOrders.LocalDapr.Actors;

/// <summary>
/// An app instance that hosts actors: its sidecar and what it declared in `/dapr/config`.
/// </summary>
public sealed class ActorHost(Sidecar sidecar, ActorHostConfig config)
{
    private volatile bool _stopped;

    public Sidecar Sidecar { get; } = sidecar;

    public ActorHostConfig Config { get; } = config;

    public string Name => Sidecar.Instance.InstanceName;

    /// <summary>
    /// The app instance stopped: no new turn may start on it.
    /// </summary>
    public bool Stopped => _stopped;

    public ActorTypeOptions OptionsFor(string actorType) =>
        Config.Types.TryGetValue(actorType, out var options) ? options : ActorTypeOptions.Default;

    internal void MarkStopped() => _stopped = true;

    public override string ToString() => Name;
}

/// <summary>
/// Runtime-wide placement, the stand-in for daprd's placement service: which live app instances host each actor
/// type, and which one of them owns a given actor id. The choice is rendezvous hashing (highest score of
/// hash(type, id, host) wins, as daprd's pkg/actors/hashing/rendezvous), so it is deterministic and, when a host
/// leaves, only that host's actors move.
/// </summary>
public sealed class ActorPlacement
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<ActorHost>> _hostsByType = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = NewSignal();

    public void Add(ActorHost host)
    {
        lock (_gate)
        {
            foreach (var type in host.Config.Types.Keys)
            {
                if (!_hostsByType.TryGetValue(type, out var hosts))
                {
                    _hostsByType[type] = hosts = [];
                }

                hosts.Add(host);
            }

            Signal();
        }
    }

    public void Remove(ActorHost host)
    {
        lock (_gate)
        {
            foreach (var hosts in _hostsByType.Values)
            {
                hosts.Remove(host);
            }

            Signal();
        }
    }

    /// <summary>
    /// The host that owns the actor now, or null when no live app instance hosts the type.
    /// </summary>
    public ActorHost? Lookup(string actorType, string actorId)
    {
        lock (_gate)
        {
            return _hostsByType.TryGetValue(actorType, out var hosts) ? Choose(actorType, actorId, hosts) : null;
        }
    }

    /// <summary>
    /// Does any live instance of <paramref name="appId"/> host the type?
    /// </summary>
    public bool IsHostedBy(string actorType, string appId)
    {
        lock (_gate)
        {
            return _hostsByType.TryGetValue(actorType, out var hosts) && hosts.Exists(h => h.Sidecar.AppId == appId);
        }
    }

    /// <summary>
    /// Waits until some host owns the actor, as daprd waits for placement tables when a lookup finds nothing;
    /// null after <paramref name="timeout"/> (infinite for reminders, which wait for their app to come back).
    /// </summary>
    public async Task<ActorHost?> WaitForOwnerAsync(string actorType, string actorId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(timeout);
        }

        while (true)
        {
            Task signal;
            lock (_gate)
            {
                if (_hostsByType.TryGetValue(actorType, out var hosts) && Choose(actorType, actorId, hosts) is { } owner)
                {
                    return owner;
                }

                signal = _changed.Task;
            }

            try
            {
                await signal.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Rendezvous hashing: every host gets a score for the actor, the highest wins.
    /// </summary>
    public static ActorHost? Choose(string actorType, string actorId, IReadOnlyList<ActorHost> hosts)
    {
        ActorHost? best = null;
        ulong bestScore = 0;
        foreach (var host in hosts)
        {
            var score = Score(actorType, actorId, host.Name);
            if (best is null || score > bestScore || (score == bestScore && string.CompareOrdinal(host.Name, best.Name) < 0))
            {
                best = host;
                bestScore = score;
            }
        }

        return best;
    }

    private static ulong Score(string actorType, string actorId, string hostName)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{actorType}||{actorId}||{hostName}"), hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }

    private void Signal()
    {
        var previous = _changed;
        _changed = NewSignal();
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
