namespace DaprOrders.LocalDapr.Workflows;

/// <summary>
/// What an engine must do at a point in time: durable timers, delayed starts and the purge of finished instances
/// (daprd keeps these as actor reminders). One queue, soonest first, and one runtime timer set to the soonest: a
/// busy engine has tens of thousands pending (each order's deadline, and every finished instance waiting out its
/// retention), and a pending task with a timer of its own for each cost memory and made the runtime's timer queue
/// long to walk.
/// </summary>
public sealed class WorkflowSchedule : IDisposable
{
    // Timers are set at most this far ahead; a later entry is looked at again then.
    private static readonly TimeSpan LongestWait = TimeSpan.FromHours(12);

    private readonly Lock _gate = new();
    private readonly PriorityQueue<Func<Task>, DateTime> _pending = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private DateTime _armedFor = DateTime.MaxValue;
    private bool _disposed;

    public WorkflowSchedule(TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(static schedule => ((WorkflowSchedule)schedule!).RunDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Entries waiting for their time.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Runs <paramref name="fire"/> once <paramref name="due"/> (UTC) has come; a failure is logged.</summary>
    public void At(DateTime due, Func<Task> fire)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _pending.Enqueue(fire, due);
            if (due < _armedFor)
            {
                Arm(due);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _pending.Clear();
        }

        _timer.Dispose();
    }

    private void RunDue()
    {
        List<Func<Task>> due = [];
        lock (_gate)
        {
            var now = _time.GetUtcNow().UtcDateTime;
            while (_pending.TryPeek(out var fire, out var at) && at <= now)
            {
                _pending.Dequeue();
                due.Add(fire);
            }

            _armedFor = DateTime.MaxValue;
            if (!_disposed && _pending.TryPeek(out _, out var next))
            {
                Arm(next);
            }
        }

        foreach (var fire in due)
        {
            _ = RunAsync(fire);
        }
    }

    private void Arm(DateTime due)
    {
        _armedFor = due;
        var wait = due - _time.GetUtcNow().UtcDateTime;
        _timer.Change(wait <= TimeSpan.Zero ? TimeSpan.Zero : wait < LongestWait ? wait : LongestWait, Timeout.InfiniteTimeSpan);
    }

    private async Task RunAsync(Func<Task> fire)
    {
        try
        {
            await fire();
        }
        catch (OperationCanceledException)
        {
            // the runtime is stopping
        }
        catch (Exception e)
        {
            _logger.LogWarning("Workflow timer failed: {Error}", e.Message);
        }
    }
}
