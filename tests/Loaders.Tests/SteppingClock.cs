namespace DaprOrders.Loaders.Tests;

/// <summary>
/// A clock that moves only when told to or when the code under test waits: a timer due in t moves the clock
/// forward by t and fires at once. Rate limiting is then tested on exact instants, without sleeping.
/// </summary>
internal sealed class SteppingClock : TimeProvider
{
    private static readonly DateTimeOffset Origin = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public TimeSpan Now => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => Origin + Now;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new SteppingTimer(this, callback, state, dueTime);

    private sealed class SteppingTimer : ITimer
    {
        private readonly SteppingClock _clock;
        private readonly TimerCallback _callback;
        private readonly object? _state;

        public SteppingTimer(SteppingClock clock, TimerCallback callback, object? state, TimeSpan dueTime)
        {
            _clock = clock;
            _callback = callback;
            _state = state;
            Change(dueTime, Timeout.InfiniteTimeSpan);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }

            _clock.Advance(dueTime);
            // Fired from the thread pool, as a real timer: the caller has returned from CreateTimer by then.
            ThreadPool.QueueUserWorkItem(_ => _callback(_state));
            return true;
        }

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
