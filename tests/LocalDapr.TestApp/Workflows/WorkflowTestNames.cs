namespace DaprOrders.LocalDapr.TestApp.Workflows;

/// <summary>
/// Names and inputs of the TestApp's workflows, activities and events. One file, compiled into the TestApp and
/// linked into tests/LocalDapr.Tests, so the tests schedule exactly what the app registers.
/// </summary>
public static class WorkflowTestNames
{
    public const string OneActivity = "OneActivity";
    public const string FanOut = "FanOut";
    public const string GatedThenEvent = "GatedThenEvent";
    public const string EventWithTimeout = "EventWithTimeout";
    public const string CallFlaky = "CallFlaky";
    public const string Parent = "Parent";
    public const string Child = "Child";
    public const string CountTo = "CountTo";
    public const string TwoEvents = "TwoEvents";
    public const string Gated = "Gated";
    public const string WhereAmI = "WhereAmI";

    public const string Echo = "Echo";
    public const string Gate = "Gate";
    public const string Flaky = "Flaky";
    public const string Record = "Record";

    public const string Approve = "approve";
    public const string Go = "go";
    public const string Finish = "finish";

    /// <summary>
    /// How long <see cref="EventWithTimeout"/> waits for <see cref="Approve"/>.
    /// </summary>
    public static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// What <see cref="EventWithTimeout"/> returns when nobody approved in time.
    /// </summary>
    public const string TimedOut = "timed out";

    /// <summary>
    /// The app stream (see RecordedEvents) where every execution of an activity with this key is recorded
    /// as an <see cref="ActivityExecution"/>.
    /// </summary>
    public static string Executions(string key) => $"workflow.{key}";

    /// <summary>
    /// The child workflow's instance id, chosen by the parent.
    /// </summary>
    public static string ChildId(string parentId) => $"{parentId}-child";
}

/// <summary>
/// One execution of a recording activity, as seen by the process that ran it.
/// </summary>
public sealed record ActivityExecution(string InstanceId, int ProcessId, string TaskExecutionKey);

/// <summary>
/// <see cref="WorkflowTestNames.CallFlaky"/>: calls an activity that fails its first <paramref name="Failures"/>
/// attempts, with a retry policy of <paramref name="MaxAttempts"/> attempts (1 = no retry policy).
/// </summary>
public sealed record FlakyCall(string Key, int Failures, int MaxAttempts);

/// <summary>
/// <see cref="WorkflowTestNames.Flaky"/>'s input.
/// </summary>
public sealed record FlakyAttempt(string Key, int Failures);

/// <summary>
/// <see cref="WorkflowTestNames.CountTo"/>: one generation per count, continued as new until the target.
/// </summary>
public sealed record CountToInput(int Count, int Target);
