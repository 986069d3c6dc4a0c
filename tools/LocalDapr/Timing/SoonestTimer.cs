namespace DaprOrders.LocalDapr.Timing;

/// <summary>
/// One runtime timer for work that comes due at times known in advance (expiries, schedules): it is set for the
/// soonest time asked of it; asking for a later time changes nothing. When it fires, its callback does what is due
/// and asks again for the soonest of what it still has ahead. An idle runtime then wakes only when something is due,
/// not on a period.
/// </summary>
public sealed class SoonestTimer : IDisposable
{
    // Timers are set at most this far ahead; a later time is looked at again then.
    private static readonly TimeSpan LongestWait = TimeSpan.FromHours(12);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Action _fired;
    private readonly ITimer _timer;
    private DateTimeOffset _due = DateTimeOffset.MaxValue;
    private bool _disposed;

    /// <summary>A timer on <paramref name="time"/> not set yet.</summary>
    /// <param name="time">The clock.</param>
    /// <param name="fired">Runs on a timer thread when a time asked for has come; it must not throw.</param>
    public SoonestTimer(TimeProvider time, Action fired)
    {
        _time = time;
        _fired = fired;
        _timer = time.CreateTimer(static timer => ((SoonestTimer)timer!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Makes sure the callback runs no later than <paramref name="due"/>.</summary>
    public void At(DateTimeOffset due)
    {
        lock (_gate)
        {
            if (!_disposed && due < _due)
            {
                Set(due);
            }
        }
    }

    /// <summary>Makes sure the callback runs no later than <paramref name="wait"/> from now.</summary>
    public void In(TimeSpan wait) => At(_time.GetUtcNow() + wait);

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _timer.Dispose();
    }

    private void Fire()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (_due > _time.GetUtcNow())
            {
                // Set beyond the longest wait, or a timer that ran a little early: not due yet.
                Set(_due);
                return;
            }

            // Cleared before the callback runs, so that whatever is asked for from now on, by the callback or by
            // anyone else meanwhile, sets the timer again.
            _due = DateTimeOffset.MaxValue;
        }

        _fired();
    }

    private void Set(DateTimeOffset due)
    {
        _due = due;
        var wait = due - _time.GetUtcNow();
        _timer.Change(wait <= TimeSpan.Zero ? TimeSpan.Zero : wait < LongestWait ? wait : LongestWait, Timeout.InfiniteTimeSpan);
    }
}
