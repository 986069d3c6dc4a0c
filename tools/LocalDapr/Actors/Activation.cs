namespace DaprOrders.LocalDapr.Actors;

/// <summary>
/// An actor id of a type; daprd's "actor key" is `type||id`.
/// </summary>
public readonly record struct ActorKey(string Type, string Id)
{
    public override string ToString() => $"{Type}/{Id}";
}

/// <summary>
/// One activation of an actor on one host: its turn lock, when it was last used and its timers. Timers die with it.
/// </summary>
public sealed class Activation(ActorKey key, ActorHost host, DateTimeOffset now)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CancellationTokenSource> _timers = new(StringComparer.Ordinal);
    private long _lastUsedTicks = now.UtcTicks;
    private volatile bool _deactivated;

    public ActorKey Key { get; } = key;

    public ActorHost Host { get; } = host;

    public ActorTypeOptions Options { get; } = host.OptionsFor(key.Type);

    public TurnLock Lock { get; } = new();

    public bool IsDeactivated => _deactivated;

    public DateTimeOffset LastUsed => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastUsedTicks, now.UtcTicks);

    /// <summary>
    /// Registers a timer under <paramref name="name"/>, replacing (and stopping) one of the same name; the token
    /// ends when the timer is deleted or replaced, or the actor is deactivated.
    /// </summary>
    public CancellationToken AddTimer(string name)
    {
        lock (_gate)
        {
            if (_deactivated)
            {
                return new CancellationToken(canceled: true);
            }

            var timer = new CancellationTokenSource();
            if (_timers.Remove(name, out var previous))
            {
                previous.Cancel();
            }

            _timers[name] = timer;
            return timer.Token;
        }
    }

    public void RemoveTimer(string name)
    {
        lock (_gate)
        {
            if (_timers.Remove(name, out var timer))
            {
                timer.Cancel();
            }
        }
    }

    /// <summary>
    /// A one-shot timer that fired removes itself, unless it was replaced meanwhile.
    /// </summary>
    public void RemoveTimer(string name, CancellationToken token)
    {
        lock (_gate)
        {
            if (_timers.TryGetValue(name, out var timer) && timer.Token == token)
            {
                _timers.Remove(name);
            }
        }
    }

    public void MarkDeactivated()
    {
        lock (_gate)
        {
            if (_deactivated)
            {
                return;
            }

            _deactivated = true;
            foreach (var timer in _timers.Values)
            {
                timer.Cancel();
            }

            _timers.Clear();
        }
    }

    public override string ToString() => $"{Key}@{Host}";
}
