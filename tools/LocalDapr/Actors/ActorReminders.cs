using DaprOrders.LocalDapr.Timing;

namespace DaprOrders.LocalDapr.Actors;

/// <summary>
/// A registered reminder and what GET returns about it.
/// </summary>
public sealed record Reminder(ActorKey Actor, string Name, ScheduleRequest Request, ReminderSchedule Schedule);

/// <summary>
/// Reminders, runtime-wide and durable for the runtime's lifetime: they outlive activations and app restarts.
/// Each fires as a turn of its actor on whichever host placement names at that moment (`PUT
/// .../method/remind/{name}`); while no instance hosts the type the fire waits until one comes (back).
/// A failing callback is logged and the schedule goes on; `X-DaprReminderCancel: true` ends it.
/// </summary>
public sealed class ActorReminders(ActorRuntime runtime, ILogger logger) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(ActorKey Actor, string Name), (Reminder Reminder, CancellationTokenSource Stop)> _reminders = [];
    private readonly CancellationTokenSource _stopping = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _reminders.Count;
            }
        }
    }

    /// <summary>
    /// Registers (or, unless <see cref="ScheduleRequest.Overwrite"/> is false, replaces) a reminder; false when
    /// it exists and may not be replaced. Throws <see cref="FormatException"/> for bad due time, period or TTL.
    /// </summary>
    public bool TryCreate(ActorKey actor, string name, ScheduleRequest request)
    {
        var schedule = ReminderSchedule.Create(request.DueTime, request.Period, request.Ttl, runtime.Time.GetUtcNow(), "reminder");
        var reminder = new Reminder(actor, name, request, schedule);
        lock (_gate)
        {
            if (_reminders.TryGetValue((actor, name), out var existing))
            {
                if (!request.Overwrite)
                {
                    return false;
                }

                existing.Stop.Cancel();
            }

            var stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            _reminders[(actor, name)] = (reminder, stop);
            _ = Task.Run(() => RunAsync(reminder, stop), CancellationToken.None);
            return true;
        }
    }

    public Reminder? Get(ActorKey actor, string name)
    {
        lock (_gate)
        {
            return _reminders.TryGetValue((actor, name), out var entry) ? entry.Reminder : null;
        }
    }

    public void Delete(ActorKey actor, string name)
    {
        lock (_gate)
        {
            if (_reminders.Remove((actor, name), out var entry))
            {
                entry.Stop.Cancel();
            }
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task RunAsync(Reminder reminder, CancellationTokenSource stop)
    {
        var token = stop.Token;
        var body = reminder.Request.ReminderCallbackBody();
        var due = reminder.Schedule.FirstDue;
        try
        {
            for (var fires = 1; ; fires++)
            {
                await Clock.WaitUntilAsync(runtime.Time, due, token);
                if (await FireAsync(reminder, body, token) || reminder.Schedule.Following(due, fires) is not { } next)
                {
                    break;
                }

                due = next;
            }

            Remove(reminder, stop);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // deleted, replaced or runtime stopping
        }
    }

    /// <summary>
    /// One fire; true when the app cancelled the reminder.
    /// </summary>
    private async Task<bool> FireAsync(Reminder reminder, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            return await runtime.RunTurnAsync(
                reminder.Actor,
                reentrancyId: null,
                Timeout.InfiniteTimeSpan,
                // Deleting the reminder stops its waiting, not a callback the app is already running.
                (activation, _) => ActorAppCalls.RemindAsync(activation.Host, reminder.Actor, reminder.Name, body, runtime.Stopping),
                cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Reminder {ReminderName} of actor {Actor} failed: {Error}", reminder.Name, reminder.Actor, e.Message);
            return false;
        }
    }

    private void Remove(Reminder reminder, CancellationTokenSource stop)
    {
        lock (_gate)
        {
            if (_reminders.TryGetValue((reminder.Actor, reminder.Name), out var current) && current.Stop == stop)
            {
                _reminders.Remove((reminder.Actor, reminder.Name));
            }
        }
    }
}
