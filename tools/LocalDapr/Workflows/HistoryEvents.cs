using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace DaprOrders.LocalDapr.Workflows;

/// <summary>
/// History events the engine creates. Events of the engine's own (ExecutionStarted, TaskCompleted, TimerFired,
/// EventRaised, ...) have `eventId = -1`; events recording an action have the action's id (durabletask-go
/// backend/runtimestate/applier.go). Timestamps are strictly increasing, so two events are never alike: daprd
/// dedups redelivered raised events by (name, timestamp) (dapr pkg/runtime/wfengine/backends/actors uniqueEventTimestamp).
/// </summary>
public sealed class HistoryEvents(TimeProvider time)
{
    /// <summary>
    /// `WaitForExternalEventAsync` without a timeout creates a timer that fires at the end of time (Dapr.Workflow
    /// 1.19 TimerOriginHelpers.ExternalEventIndefiniteFireAt): recorded, never fired.
    /// </summary>
    public static readonly DateTime IndefiniteFireAt = new(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc);

    private long _lastTicks;

    public DateTime UtcNow => time.GetUtcNow().UtcDateTime;

    public static bool IsIndefinite(Timestamp fireAt) => fireAt.ToDateTime() >= IndefiniteFireAt;

    public HistoryEvent New(Action<HistoryEvent> set, int eventId = -1)
    {
        var e = new HistoryEvent { EventId = eventId, Timestamp = Timestamp.FromDateTime(NextInstant()) };
        set(e);
        return e;
    }

    public HistoryEvent WorkflowStarted() => New(e => e.WorkflowStarted = new WorkflowStartedEvent());

    public HistoryEvent ExecutionStarted(WorkflowInstance instance, Timestamp? scheduledStart, TraceContext? trace) => New(e =>
    {
        e.ExecutionStarted = new ExecutionStartedEvent
        {
            Name = instance.Name,
            Input = instance.Input,
            WorkflowInstance = new Dapr.DurableTask.Protobuf.WorkflowInstance { InstanceId = instance.Id, ExecutionId = instance.ExecutionId },
            ParentInstance = instance.Parent,
            ParentTraceContext = trace,
        };
        if (scheduledStart is not null)
        {
            e.ExecutionStarted.ScheduledStartTimestamp = scheduledStart;
        }
    });

    /// <summary>
    /// A completion already recorded for this task, timer or child (in history or still waiting)?
    /// </summary>
    public static bool IsResolved(IEnumerable<HistoryEvent> events, HistoryEvent completion) => events.Any(e => (e.EventTypeCase, completion.EventTypeCase) switch
    {
        (HistoryEvent.EventTypeOneofCase.TaskCompleted or HistoryEvent.EventTypeOneofCase.TaskFailed,
         HistoryEvent.EventTypeOneofCase.TaskCompleted or HistoryEvent.EventTypeOneofCase.TaskFailed) => TaskId(e) == TaskId(completion),
        (HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCompleted or HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceFailed,
         HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCompleted or HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceFailed) => ChildId(e) == ChildId(completion),
        (HistoryEvent.EventTypeOneofCase.TimerFired, HistoryEvent.EventTypeOneofCase.TimerFired) => e.TimerFired.TimerId == completion.TimerFired.TimerId,
        _ => false,
    });

    private static int TaskId(HistoryEvent e) => e.TaskCompleted?.TaskScheduledId ?? e.TaskFailed.TaskScheduledId;

    private static int ChildId(HistoryEvent e) => e.ChildWorkflowInstanceCompleted?.TaskScheduledId ?? e.ChildWorkflowInstanceFailed.TaskScheduledId;

    private DateTime NextInstant()
    {
        var now = UtcNow.Ticks;
        while (true)
        {
            var last = Interlocked.Read(ref _lastTicks);
            var next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref _lastTicks, next, last) == last)
            {
                return new DateTime(next, DateTimeKind.Utc);
            }
        }
    }
}
