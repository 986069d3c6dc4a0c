using Dapr.Actors.Runtime;

namespace DaprOrders.TestDoubles;

/// <summary>
/// Reminders and timers for <c>ActorTestOptions.TimerManager</c>: registered ones are kept by name so a test can
/// assert them and fire them itself (call the actor's <c>ReceiveReminderAsync</c>).
/// </summary>
public sealed class RecordingActorTimerManager : ActorTimerManager
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, ActorReminder> _reminders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActorTimer> _timers = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, ActorReminder> Reminders
    {
        get
        {
            lock (_sync)
            {
                return new Dictionary<string, ActorReminder>(_reminders);
            }
        }
    }

    public IReadOnlyDictionary<string, ActorTimer> Timers
    {
        get
        {
            lock (_sync)
            {
                return new Dictionary<string, ActorTimer>(_timers);
            }
        }
    }

    public override Task RegisterReminderAsync(ActorReminder reminder)
    {
        lock (_sync)
        {
            _reminders[reminder.Name] = reminder;
        }

        return Task.CompletedTask;
    }

    public override Task<IActorReminder> GetReminderAsync(ActorReminderToken reminder)
    {
        lock (_sync)
        {
            return Task.FromResult<IActorReminder>(_reminders.GetValueOrDefault(reminder.Name)!);
        }
    }

    public override Task UnregisterReminderAsync(ActorReminderToken reminder)
    {
        lock (_sync)
        {
            _reminders.Remove(reminder.Name);
        }

        return Task.CompletedTask;
    }

    public override Task RegisterTimerAsync(ActorTimer timer)
    {
        lock (_sync)
        {
            _timers[timer.Name] = timer;
        }

        return Task.CompletedTask;
    }

    public override Task UnregisterTimerAsync(ActorTimerToken timer)
    {
        lock (_sync)
        {
            _timers.Remove(timer.Name);
        }

        return Task.CompletedTask;
    }
}
