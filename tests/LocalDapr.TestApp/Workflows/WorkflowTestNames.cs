namespace DaprOrders.LocalDapr.TestApp.Workflows;

/// Names and inputs of the TestApp's workflows, activities and events. One file, compiled into the TestApp and
/// linked into tests/LocalDapr.Tests, so the tests schedule exactly what the app registers.
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

    /// How long <see cref="EventWithTimeout"/> waits for <see cref="Approve"/>.
    public static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(1);

    /// What <see cref="EventWithTimeout"/> returns when nobody approved in time.
    public const string TimedOut = "timed out";

    /// The app stream (see RecordedEvents) where every execution of an activity with this key is recorded
    /// as an <see cref="ActivityExecution"/>.
    public static string Executions(string key) => $"workflow.{key}";

    /// The child workflow's instance id, chosen by the parent.
    public static string ChildId(string parentId) => $"{parentId}-child";
}

/// One execution of a recording activity, as seen by the process that ran it.
public sealed record ActivityExecution(string InstanceId, int ProcessId, string TaskExecutionKey);

/// <see cref="WorkflowTestNames.CallFlaky"/>: calls an activity that fails its first <paramref name="Failures"/>
/// attempts, with a retry policy of <paramref name="MaxAttempts"/> attempts (1 = no retry policy).
public sealed record FlakyCall(string Key, int Failures, int MaxAttempts);

/// <see cref="WorkflowTestNames.Flaky"/>'s input.
public sealed record FlakyAttempt(string Key, int Failures);

/// <see cref="WorkflowTestNames.CountTo"/>: one generation per count, continued as new until the target.
public sealed record CountToInput(int Count, int Target);
