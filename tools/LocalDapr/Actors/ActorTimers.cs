using DaprOrders.LocalDapr.Timing;

namespace DaprOrders.LocalDapr.Actors;

/// <summary>
/// Actor timers: they belong to one activation, fire as turns on it (`PUT .../method/timer/{name}`) and die with
/// it. A failing callback is logged and the timer keeps its schedule (daprd docs, actors-timers-reminders).
/// </summary>
public sealed class ActorTimers(ActorRuntime runtime, ILogger logger)
{
    public void Start(Activation activation, string name, ScheduleRequest request, ReminderSchedule schedule)
    {
        var token = activation.AddTimer(name);
        _ = Task.Run(() => RunAsync(activation, name, request.TimerCallbackBody(), schedule, token), CancellationToken.None);
    }

    private async Task RunAsync(Activation activation, string name, byte[] body, ReminderSchedule schedule, CancellationToken token)
    {
        var due = schedule.FirstDue;
        try
        {
            for (var fires = 1; ; fires++)
            {
                await Clock.WaitUntilAsync(runtime.Time, due, token);
                // Deleting the timer stops its waiting, not a callback the app is already running.
                var alive = await runtime.RunTurnOnAsync(activation, _ => FireAsync(activation, name, body, runtime.Stopping), token);
                if (!alive)
                {
                    return;
                }

                if (schedule.Following(due, fires) is not { } next)
                {
                    activation.RemoveTimer(name, token);
                    return;
                }

                due = next;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // deleted, replaced or deactivated
        }
    }

    private async Task FireAsync(Activation activation, string name, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            await ActorAppCalls.TimerAsync(activation.Host, activation.Key, name, body, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Timer {TimerName} of actor {Actor} failed: {Error}", name, activation, e.Message);
        }
    }
}
