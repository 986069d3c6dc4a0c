using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace DaprOrders.LocalDapr.Workflows;

/// <summary>
/// One workflow instance as the engine holds it: what daprd's workflow actor keeps (metadata, history, inbox,
/// custom status) plus the turn in flight. Every member is read and changed only under <see cref="Gate"/>.
/// </summary>
public sealed class WorkflowInstance(string id)
{
    public string Id { get; } = id;

    /// <summary>
    /// One operation at a time on this instance (daprd: the workflow actor's turn lock).
    /// </summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public string Name { get; set; } = "";

    /// <summary>
    /// A new one per run: a reused id or continue-as-new starts a new execution.
    /// </summary>
    public string ExecutionId { get; set; } = "";

    public OrchestrationStatus Status { get; set; } = OrchestrationStatus.Pending;

    public string? Input { get; set; }

    public string? Output { get; set; }

    public string? CustomStatus { get; set; }

    public TaskFailureDetails? Failure { get; set; }

    public ParentInstanceInfo? Parent { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime LastUpdatedAt { get; set; }

    public DateTime? CompletedAt { get; set; }

    /// <summary>
    /// A scheduled start still ahead: no turn before it.
    /// </summary>
    public DateTime? StartAt { get; set; }

    /// <summary>
    /// Child workflows this run created (for recursive terminate and purge).
    /// </summary>
    public List<string> Children { get; } = [];

    /// <summary>
    /// Committed history: what every turn gets as `pastEvents`. Emptied from memory once the instance is terminal
    /// (it stays in the state store for GetInstanceHistory).
    /// </summary>
    public List<HistoryEvent> History { get; } = [];

    /// <summary>
    /// Events waiting for the next turn.
    /// </summary>
    public List<HistoryEvent> Inbox { get; } = [];

    /// <summary>
    /// The turn dispatched and not yet completed; at most one per instance.
    /// </summary>
    public WorkflowTurn? InFlight { get; set; }

    /// <summary>
    /// How many history and inbox entries the state store holds (keys `history-NNNNNN`, `inbox-NNNNNN`).
    /// </summary>
    public int StoredHistory { get; set; }

    public int StoredInbox { get; set; }

    /// <summary>
    /// Bumped (and the old one completed) on every change, so waiters re-check without polling.
    /// </summary>
    public TaskCompletionSource Changed { get; private set; } = NewSignal();

    public bool IsTerminal => IsTerminalStatus(Status);

    public static bool IsTerminalStatus(OrchestrationStatus status) =>
        status is OrchestrationStatus.Completed or OrchestrationStatus.Failed
            or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled;

    /// <summary>
    /// Every event the instance holds that is not yet in history: the turn in flight's, then the inbox.
    /// </summary>
    public IEnumerable<HistoryEvent> PendingEvents => (InFlight?.Carried ?? []).Concat(Inbox);

    public void NotifyChanged()
    {
        var previous = Changed;
        Changed = NewSignal();
        previous.TrySetResult();
    }

    /// <summary>
    /// The run's `orchestration` span, open from the start to the completion; null when the run is not traced.
    /// </summary>
    public System.Diagnostics.Activity? RunSpan { get; set; }

    /// <summary>
    /// Clears the instance for a new run under the same id (id reuse, continue-as-new).
    /// </summary>
    public void Reset()
    {
        WorkflowSpans.EndRun(this);
        History.Clear();
        Inbox.Clear();
        InFlight = null;
        Output = null;
        CustomStatus = null;
        Failure = null;
        CompletedAt = null;
        StartAt = null;
        Children.Clear();
    }

    public WorkflowState ToState(bool withPayloads)
    {
        var state = new WorkflowState
        {
            InstanceId = Id,
            Name = Name,
            WorkflowStatus = Status,
            ExecutionId = ExecutionId,
            CreatedTimestamp = Timestamp.FromDateTime(CreatedAt),
            LastUpdatedTimestamp = Timestamp.FromDateTime(LastUpdatedAt),
            FailureDetails = Failure,
        };
        if (CompletedAt is { } completed)
        {
            state.CompletedTimestamp = Timestamp.FromDateTime(completed);
        }

        if (Parent?.WorkflowInstance?.InstanceId is { } parentId)
        {
            state.ParentInstanceId = parentId;
        }

        // daprd fills input, output and custom status only when asked (createGetInstanceResponse).
        if (withPayloads)
        {
            state.Input = Input;
            state.Output = Output;
            state.CustomStatus = CustomStatus;
        }

        return state;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// A dispatched turn: its completion token and the events it carries as `newEvents` (WorkflowStarted first).
/// </summary>
public sealed record WorkflowTurn(string Token, IReadOnlyList<HistoryEvent> NewEvents)
{
    /// <summary>
    /// The carried events without the turn's own WorkflowStarted: what goes back to the inbox if the turn is lost.
    /// </summary>
    public IEnumerable<HistoryEvent> Carried => NewEvents.Where(e => e.EventTypeCase != HistoryEvent.EventTypeOneofCase.WorkflowStarted);
}
