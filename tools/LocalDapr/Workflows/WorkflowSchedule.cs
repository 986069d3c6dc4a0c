using DaprOrders.LocalDapr.Timing;

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
    private readonly Lock _gate = new();
    private readonly PriorityQueue<Func<Task>, DateTime> _pending = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SoonestTimer _timer;
    private bool _disposed;

    public WorkflowSchedule(TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
        _timer = new SoonestTimer(time, RunDue);
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
            _timer.At(AsUtc(due));
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

            if (!_disposed && _pending.TryPeek(out _, out var next))
            {
                _timer.At(AsUtc(next));
            }
        }

        foreach (var fire in due)
        {
            _ = RunAsync(fire);
        }
    }

    private static DateTimeOffset AsUtc(DateTime due) => new(DateTime.SpecifyKind(due, DateTimeKind.Utc));

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
