using DaprOrders.LocalDapr.Timing;

namespace DaprOrders.LocalDapr.Actors;

/// <summary>
/// The actors that are active right now, runtime-wide: at most one activation per actor, on the host placement
/// chose; every call, reminder and timer runs as a turn under the activation's lock; idle actors, actors of a
/// stopped host and actors whose placement moved are deactivated (daprd pkg/actors/targets/app, idleprocessor).
/// </summary>
public sealed class ActorRuntime(ActorPlacement placement, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    /// <summary>
    /// How long an invocation waits for a host of its type to appear before failing, as daprd's placement lookup.
    /// </summary>
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<ActorKey, Activation> _active = [];
    private readonly CancellationTokenSource _stopping = new();

    private SoonestTimer? _idleScan;
    private TimeSpan _minimumScanGap;

    /// <summary>The idle scan under way or done last, which a stop waits for.</summary>
    private Task _scanning = Task.CompletedTask;

    public ActorPlacement Placement => placement;

    public TimeProvider Time => time;

    /// <summary>
    /// Ends when the runtime stops.
    /// </summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>
    /// Starts the idle scan. It wakes when the soonest active actor may have gone idle (its last use plus its type's
    /// idle timeout), at most once per <paramref name="minimumGap"/>, and sleeps while no actor is active: an idle
    /// actor is deactivated between its idle timeout and that gap later, as daprd queues each actor for its own idle
    /// deadline (pkg/actors/targets/app factory.go idlerQueue), and an idle runtime does not wake for nothing.
    /// </summary>
    public void Start(TimeSpan minimumGap)
    {
        _minimumScanGap = minimumGap;
        _idleScan ??= new SoonestTimer(time, () => _scanning = ScanIdleActorsAsync());
    }

    /// <summary>
    /// Active actors per type on <paramref name="host"/> (for `/v1.0/metadata`).
    /// </summary>
    public IReadOnlyDictionary<string, int> ActiveCounts(ActorHost host)
    {
        lock (_gate)
        {
            return _active.Values.Where(a => a.Host == host && !a.IsDeactivated)
                .GroupBy(a => a.Key.Type, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// Where the actor is active now, or null.
    /// </summary>
    public Activation? Find(ActorKey key)
    {
        lock (_gate)
        {
            return _active.TryGetValue(key, out var activation) && !activation.IsDeactivated ? activation : null;
        }
    }

    /// <summary>
    /// Runs <paramref name="turn"/> as one turn of the actor, activating it on its placed host first.
    /// Throws <see cref="ActorHostNotFoundException"/> when no host of the type shows up within
    /// <paramref name="hostWait"/>, and <see cref="StackDepthExceededException"/> for too deep reentrancy.
    /// </summary>
    public async Task<T> RunTurnAsync<T>(
        ActorKey key,
        string? reentrancyId,
        TimeSpan hostWait,
        Func<Activation, CancellationToken, Task<T>> turn,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var activation = await ActivateAsync(key, hostWait, cancellationToken);
            var options = activation.Options;
            using var held = await activation.Lock.AcquireAsync(options.ReentrancyEnabled ? reentrancyId : null, options.MaxStackDepth, cancellationToken);
            if (activation.IsDeactivated)
            {
                continue; // deactivated while we queued: activate afresh, maybe elsewhere
            }

            if (activation.Host.Stopped)
            {
                Forget(activation);
                continue;
            }

            try
            {
                return await turn(activation, cancellationToken);
            }
            finally
            {
                activation.Touch(time.GetUtcNow());
            }
        }
    }

    /// <summary>
    /// Runs a timer's turn on that very activation; false when the activation is gone (the timer dies with it).
    /// </summary>
    public async Task<bool> RunTurnOnAsync(Activation activation, Func<CancellationToken, Task> turn, CancellationToken cancellationToken)
    {
        using var held = await activation.Lock.AcquireAsync(null, int.MaxValue, cancellationToken);
        if (activation.IsDeactivated || activation.Host.Stopped)
        {
            return false;
        }

        try
        {
            await turn(cancellationToken);
            return true;
        }
        finally
        {
            activation.Touch(time.GetUtcNow());
        }
    }

    /// <summary>
    /// The app instance stopped: nothing new starts there; its actors are deactivated after their ongoing turn
    /// (at most drainOngoingCallTimeout) and re-activate on another host at their next call.
    /// </summary>
    public async Task HostStoppedAsync(ActorHost host, CancellationToken cancellationToken)
    {
        host.MarkStopped();
        placement.Remove(host);
        await Task.WhenAll(Snapshot(a => a.Host == host).Select(a => DrainAsync(a, "host stopped", cancellationToken)));
    }

    /// <summary>
    /// A host joined: actors of its types whose placement now points to it leave their old host, as daprd's
    /// rebalancing after a placement table change.
    /// </summary>
    public async Task HostAddedAsync(ActorHost host, CancellationToken cancellationToken)
    {
        placement.Add(host);
        var moved = Snapshot(a => host.Config.Types.ContainsKey(a.Key.Type) && placement.Lookup(a.Key.Type, a.Key.Id) != a.Host);
        await Task.WhenAll(moved.Select(a => DrainAsync(a, "rebalanced", cancellationToken)));
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _idleScan?.Dispose();
        await _scanning.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        _stopping.Dispose();
    }

    private async Task<Activation> ActivateAsync(ActorKey key, TimeSpan hostWait, CancellationToken cancellationToken)
    {
        // An activation still in the table is used even while it is being deactivated: queuing on its lock keeps
        // a new activation from racing the app's DELETE of the old one.
        lock (_gate)
        {
            if (_active.TryGetValue(key, out var current) && !current.Host.Stopped)
            {
                return current;
            }
        }

        var owner = placement.Lookup(key.Type, key.Id)
            ?? await placement.WaitForOwnerAsync(key.Type, key.Id, hostWait, cancellationToken)
            ?? throw new ActorHostNotFoundException(key);

        lock (_gate)
        {
            if (_active.TryGetValue(key, out var current))
            {
                if (!current.Host.Stopped)
                {
                    return current;
                }

                current.MarkDeactivated();
            }

            var activation = new Activation(key, owner, time.GetUtcNow());
            _active[key] = activation;
            _idleScan?.At(activation.LastUsed + activation.Options.IdleTimeout);

            logger.LogDebug("Actor {ActorType}/{ActorId} activated on {Host}", key.Type, key.Id, owner.Name);
            return activation;
        }
    }

    private async Task DrainAsync(Activation activation, string reason, CancellationToken cancellationToken)
    {
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        drain.CancelAfter(activation.Options.DrainOngoingCallTimeout);
        try
        {
            using var held = await activation.Lock.AcquireAsync(null, int.MaxValue, drain.Token);
            if (!activation.IsDeactivated)
            {
                await DeactivateHeldAsync(activation, reason);
            }
        }
        catch (OperationCanceledException)
        {
            // The ongoing turn outlived the drain timeout: let it finish on its own, the actor moves on now.
            logger.LogWarning("Actor {Actor} did not finish its turn within the drain timeout; deactivating it anyway", activation);
            Forget(activation);
        }
    }

    /// <summary>
    /// Deactivates an activation whose lock the caller holds: timers stop, the app gets `DELETE /actors/{type}/{id}`
    /// and only then does the actor leave the table, so the next call cannot overtake the DELETE.
    /// </summary>
    private async Task DeactivateHeldAsync(Activation activation, string reason)
    {
        activation.MarkDeactivated();
        try
        {
            // A stopped app may already be gone; it gets a short, best-effort chance.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(activation.Host.Stopped ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(10));
            await ActorAppCalls.DeactivateAsync(activation.Host, activation.Key, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or InvalidOperationException)
        {
            logger.LogInformation("Deactivating actor {Actor} ({Reason}) failed: {Error}", activation, reason, e.Message);
        }

        logger.LogDebug("Actor {Actor} deactivated ({Reason})", activation, reason);
        Forget(activation);
    }

    private void Forget(Activation activation)
    {
        activation.MarkDeactivated();
        lock (_gate)
        {
            if (_active.TryGetValue(activation.Key, out var current) && current == activation)
            {
                _active.Remove(activation.Key);
            }
        }
    }

    private List<Activation> Snapshot(Func<Activation, bool> predicate)
    {
        lock (_gate)
        {
            return _active.Values.Where(predicate).ToList();
        }
    }

    private async Task ScanIdleActorsAsync()
    {
        var now = time.GetUtcNow();
        var active = Snapshot(a => !a.IsDeactivated);
        try
        {
            await Task.WhenAll(active.Where(a => now - a.LastUsed >= a.Options.IdleTimeout).Select(DeactivateIfStillIdleAsync));
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            logger.LogWarning("Deactivating idle actors failed: {Error}", e.Message);
        }

        // The ones still active (a busy one that was idle included: it is looked at again after the gap) are idle
        // from their last use plus their timeout at the soonest; one activated since asked for its own time.
        var stillActive = active.Where(a => !a.IsDeactivated).ToList();
        if (stillActive.Count > 0)
        {
            var nextIdle = stillActive.Min(a => a.LastUsed + a.Options.IdleTimeout);
            var earliest = time.GetUtcNow() + _minimumScanGap;
            _idleScan?.At(nextIdle > earliest ? nextIdle : earliest);
        }
    }

    private async Task DeactivateIfStillIdleAsync(Activation activation)
    {
        // Busy actors are not idle: only deactivate when nobody holds or waits for the lock.
        if (activation.Lock.TryAcquire() is not { } held)
        {
            return;
        }

        using (held)
        {
            if (!activation.IsDeactivated && time.GetUtcNow() - activation.LastUsed >= activation.Options.IdleTimeout)
            {
                await DeactivateHeldAsync(activation, "idle");
            }
        }
    }
}

/// <summary>
/// No live app instance hosts the actor type (daprd: "did not find address for actor").
/// </summary>
public sealed class ActorHostNotFoundException(ActorKey key) : Exception($"did not find address for actor '{key}'")
{
    public ActorKey Key { get; } = key;
}
