using Dapr.Actors;

namespace DaprOrders.LocalDapr.TestApp.Actors;

public sealed record ReminderSpec(string Name, string Data, TimeSpan DueTime, TimeSpan Period);

public sealed record TimerSpec(string Name, string Data, TimeSpan DueTime, TimeSpan Period);

public sealed record Meeting(string Group, int Parties);

/// The conformance actor: state, turn-taking, reminders, timers, errors and where it runs.
public interface ICounterActor : IActor
{
    /// Read, await, write: only correct if turns never overlap.
    Task<int> IncrementSlowlyAsync();

    Task<int> GetCountAsync();

    /// The app instance (its APP_PORT) the actor is active on.
    Task<string> WhereAmIAsync();

    /// Returns true once the meeting's parties are all inside this method at the same time. Methods take one
    /// parameter at most, so non-remoting callers (JSON body = the parameter) can call them too.
    Task<bool> MeetAsync(Meeting meeting);

    Task FailAsync(string message);

    /// Calls <see cref="GetCountAsync"/> on itself through the sidecar: completes only with reentrancy on.
    Task<int> GetCountThroughSelfAsync();

    Task StartReminderAsync(ReminderSpec spec);

    Task StopReminderAsync(string name);

    /// The reminder as the SDK reads it back from the sidecar, or null: "name|data|dueTime|period".
    Task<string?> DescribeReminderAsync(string name);

    Task StartTimerAsync(TimerSpec spec);
}
