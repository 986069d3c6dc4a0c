using Dapr.Actors;

namespace DaprOrders.LocalDapr.TestApp.Actors;

public sealed record ReminderSpec(string Name, string Data, TimeSpan DueTime, TimeSpan Period);

public sealed record TimerSpec(string Name, string Data, TimeSpan DueTime, TimeSpan Period);

public sealed record Meeting(string Group, int Parties);

/// <summary>
/// The conformance actor: state, turn-taking, reminders, timers, errors and where it runs.
/// </summary>
public interface ICounterActor : IActor
{
    /// <summary>
    /// Read, await, write: only correct if turns never overlap.
    /// </summary>
    Task<int> IncrementSlowlyAsync();

    Task<int> GetCountAsync();

    /// <summary>
    /// The app instance (its APP_PORT) the actor is active on.
    /// </summary>
    Task<string> WhereAmIAsync();

    /// <summary>
    /// Returns true once the meeting's parties are all inside this method at the same time. Methods take one
    /// parameter at most, so non-remoting callers (JSON body = the parameter) can call them too.
    /// </summary>
    Task<bool> MeetAsync(Meeting meeting);

    Task FailAsync(string message);

    /// <summary>
    /// Calls <see cref="GetCountAsync"/> on itself through the sidecar: completes only with reentrancy on.
    /// </summary>
    Task<int> GetCountThroughSelfAsync();

    Task StartReminderAsync(ReminderSpec spec);

    Task StopReminderAsync(string name);

    /// <summary>
    /// The reminder as the SDK reads it back from the sidecar, or null: "name|data|dueTime|period".
    /// </summary>
    Task<string?> DescribeReminderAsync(string name);

    Task StartTimerAsync(TimerSpec spec);
}
