namespace DaprOrders.LocalDapr.Actors;

/// An actor id of a type; daprd's "actor key" is `type||id`.
public readonly record struct ActorKey(string Type, string Id)
{
    public override string ToString() => $"{Type}/{Id}";
}

/// One activation of an actor on one host: its turn lock, when it was last used and its timers. Timers die with it.
public sealed class Activation(ActorKey key, ActorHost host, DateTimeOffset now)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, CancellationTokenSource> timers = new(StringComparer.Ordinal);
    private long lastUsedTicks = now.UtcTicks;
    private volatile bool deactivated;

    public ActorKey Key { get; } = key;

    public ActorHost Host { get; } = host;

    public ActorTypeOptions Options { get; } = host.OptionsFor(key.Type);

    public TurnLock Lock { get; } = new();

    public bool IsDeactivated => deactivated;

    public DateTimeOffset LastUsed => new(Interlocked.Read(ref lastUsedTicks), TimeSpan.Zero);

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref lastUsedTicks, now.UtcTicks);

    /// Registers a timer under <paramref name="name"/>, replacing (and stopping) one of the same name; the token
    /// ends when the timer is deleted or replaced, or the actor is deactivated.
    public CancellationToken AddTimer(string name)
    {
        lock (gate)
        {
            if (deactivated)
            {
                return new CancellationToken(canceled: true);
            }

            var timer = new CancellationTokenSource();
            if (timers.Remove(name, out var previous))
            {
                previous.Cancel();
            }

            timers[name] = timer;
            return timer.Token;
        }
    }

    public void RemoveTimer(string name)
    {
        lock (gate)
        {
            if (timers.Remove(name, out var timer))
            {
                timer.Cancel();
            }
        }
    }

    /// A one-shot timer that fired removes itself, unless it was replaced meanwhile.
    public void RemoveTimer(string name, CancellationToken token)
    {
        lock (gate)
        {
            if (timers.TryGetValue(name, out var timer) && timer.Token == token)
            {
                timers.Remove(name);
            }
        }
    }

    public void MarkDeactivated()
    {
        lock (gate)
        {
            if (deactivated)
            {
                return;
            }

            deactivated = true;
            foreach (var timer in timers.Values)
            {
                timer.Cancel();
            }

            timers.Clear();
        }
    }

    public override string ToString() => $"{Key}@{Host}";
}
