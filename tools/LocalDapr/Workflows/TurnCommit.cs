using Dapr.DurableTask.Protobuf;

namespace DaprOrders.LocalDapr.Workflows;

/// <summary>
/// Commits one turn: the turn's new events join history, then each action of the app's answer is recorded as a
/// history event with `eventId = action.id` and turned into what must happen next (durabletask-go
/// backend/runtimestate/applier.go `Applier.Actions`). Pure state change under the instance's lock; the engine
/// saves the result and then carries out the <see cref="TurnEffects"/>.
/// </summary>
public static class TurnCommit
{
    public static TurnEffects Apply(WorkflowInstance instance, WorkflowTurn turn, WorkflowResponse response, HistoryEvents events, ILogger logger)
    {
        var effects = new TurnEffects();
        instance.InFlight = null;
        instance.History.AddRange(turn.NewEvents);
        // The status follows history, as durabletask-go's runtimestate derives it: running once started,
        // suspended between ExecutionSuspended and ExecutionResumed.
        if (instance.Status == OrchestrationStatus.Pending)
        {
            instance.Status = OrchestrationStatus.Running;
        }

        foreach (var e in turn.NewEvents)
        {
            instance.Status = e.EventTypeCase switch
            {
                HistoryEvent.EventTypeOneofCase.ExecutionSuspended => OrchestrationStatus.Suspended,
                HistoryEvent.EventTypeOneofCase.ExecutionResumed => OrchestrationStatus.Running,
                _ => instance.Status,
            };
        }

        instance.CustomStatus = response.CustomStatus;
        instance.LastUpdatedAt = events.UtcNow;

        // Timers created in the turn that completes the workflow can never matter (the SDK creates one for an
        // event wait it did not need): record them, never fire them.
        var completing = response.Actions.Any(a => a.CompleteWorkflow is { } c && c.WorkflowStatus != OrchestrationStatus.ContinuedAsNew);
        foreach (var action in response.Actions)
        {
            switch (action.WorkflowActionTypeCase)
            {
                case WorkflowAction.WorkflowActionTypeOneofCase.ScheduleTask:
                    ScheduleTask(instance, action, events, effects, completing);
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.CreateTimer:
                    CreateTimer(instance, action, events, effects, completing);
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.SendEvent:
                    var send = action.SendEvent;
                    instance.History.Add(events.New(e => e.EventSent = new EventSentEvent { InstanceId = send.Instance.InstanceId, Name = send.Name, Input = send.Data }, action.Id));
                    effects.EventsSent.Add((send.Instance.InstanceId, send.Name, send.Data));
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.CreateChildWorkflow:
                    CreateChild(instance, action, events, effects);
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.TerminateWorkflow:
                    var terminate = action.TerminateWorkflow;
                    effects.Terminations.Add((terminate.InstanceId, terminate.Reason, terminate.Recurse));
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.CompleteWorkflow:
                    if (action.CompleteWorkflow.WorkflowStatus == OrchestrationStatus.ContinuedAsNew)
                    {
                        ContinueAsNew(instance, action.CompleteWorkflow, events);
                        return effects; // the old run's remaining actions belong to a history that is gone
                    }

                    Complete(instance, turn, action, events, effects);
                    break;
                default:
                    logger.LogWarning("Workflow {InstanceId}: action {Action} is not supported by the local runtime; ignored",
                        instance.Id, action.WorkflowActionTypeCase);
                    break;
            }
        }

        return effects;
    }

    private static void ScheduleTask(WorkflowInstance instance, WorkflowAction action, HistoryEvents events, TurnEffects effects, bool completing)
    {
        var task = action.ScheduleTask;
        instance.History.Add(events.New(e => e.TaskScheduled = new TaskScheduledEvent
        {
            Name = task.Name,
            Version = task.Version,
            Input = task.Input,
            TaskExecutionId = task.TaskExecutionId,
            // The run's span: the parent of the activity's span (durabletask-go applier.go, currentTraceContext).
            ParentTraceContext = WorkflowSpans.ContextOf(instance.RunSpan),
        }, action.Id));
        if (!completing)
        {
            effects.Activities.Add(new ActivityRequest
            {
                Name = task.Name,
                Version = task.Version,
                Input = task.Input,
                TaskId = action.Id,
                TaskExecutionId = task.TaskExecutionId,
                ParentTraceContext = WorkflowSpans.ContextOf(instance.RunSpan),
                WorkflowInstance = new Dapr.DurableTask.Protobuf.WorkflowInstance { InstanceId = instance.Id, ExecutionId = instance.ExecutionId },
            });
        }
    }

    private static void CreateTimer(WorkflowInstance instance, WorkflowAction action, HistoryEvents events, TurnEffects effects, bool completing)
    {
        var timer = action.CreateTimer;
        var created = new TimerCreatedEvent { FireAt = timer.FireAt };
        if (timer.HasName)
        {
            created.Name = timer.Name;
        }

        switch (timer.OriginCase)
        {
            case CreateTimerAction.OriginOneofCase.CreateTimer: created.CreateTimer = timer.CreateTimer; break;
            case CreateTimerAction.OriginOneofCase.ExternalEvent: created.ExternalEvent = timer.ExternalEvent; break;
            case CreateTimerAction.OriginOneofCase.ActivityRetry: created.ActivityRetry = timer.ActivityRetry; break;
            case CreateTimerAction.OriginOneofCase.ChildWorkflowRetry: created.ChildWorkflowRetry = timer.ChildWorkflowRetry; break;
        }

        instance.History.Add(events.New(e => e.TimerCreated = created, action.Id));
        if (!completing && !HistoryEvents.IsIndefinite(timer.FireAt))
        {
            effects.Timers.Add((action.Id, timer.FireAt.ToDateTime()));
        }
    }

    private static void CreateChild(WorkflowInstance instance, WorkflowAction action, HistoryEvents events, TurnEffects effects)
    {
        var child = action.CreateChildWorkflow;
        var childId = string.IsNullOrEmpty(child.InstanceId) ? Guid.NewGuid().ToString("N") : child.InstanceId;
        instance.History.Add(events.New(e => e.ChildWorkflowInstanceCreated = new ChildWorkflowInstanceCreatedEvent
        {
            InstanceId = childId,
            Name = child.Name,
            Version = child.Version,
            Input = child.Input,
        }, action.Id));
        instance.Children.Add(childId);
        effects.Children.Add(new ChildStart(childId, child, new ParentInstanceInfo
        {
            TaskScheduledId = action.Id,
            Name = instance.Name,
            WorkflowInstance = new Dapr.DurableTask.Protobuf.WorkflowInstance { InstanceId = instance.Id, ExecutionId = instance.ExecutionId },
        }));
    }

    /// <summary>
    /// A new run under the same id: history restarts with ExecutionStarted(new input) and the carried-over
    /// events, ahead of whatever arrived meanwhile.
    /// </summary>
    private static void ContinueAsNew(WorkflowInstance instance, CompleteWorkflowAction complete, HistoryEvents events)
    {
        var waiting = instance.Inbox.ToList();
        WorkflowSpans.EndRun(instance);
        instance.History.Clear();
        instance.Inbox.Clear();
        instance.Children.Clear();
        instance.Input = complete.Result;
        instance.ExecutionId = Guid.NewGuid().ToString("N");
        instance.Status = OrchestrationStatus.Running;
        instance.Inbox.Add(events.ExecutionStarted(instance, null, null));
        instance.Inbox.AddRange(complete.CarryoverEvents);
        instance.Inbox.AddRange(waiting);
    }

    private static void Complete(WorkflowInstance instance, WorkflowTurn turn, WorkflowAction action, HistoryEvents events, TurnEffects effects)
    {
        var complete = action.CompleteWorkflow;
        instance.History.Add(events.New(e => e.ExecutionCompleted = new ExecutionCompletedEvent
        {
            WorkflowStatus = complete.WorkflowStatus,
            Result = complete.Result,
            FailureDetails = complete.FailureDetails,
        }, action.Id));
        instance.Status = complete.WorkflowStatus;
        instance.Output = complete.Result;
        instance.Failure = complete.FailureDetails;
        instance.CompletedAt = events.UtcNow;
        // What arrived during the last turn has no one to go to (daprd drops work for finished instances).
        instance.Inbox.Clear();

        if (complete.WorkflowStatus == OrchestrationStatus.Terminated
            && turn.NewEvents.Any(e => e.ExecutionTerminated is { Recurse: true }))
        {
            foreach (var child in instance.Children)
            {
                effects.Terminations.Add((child, complete.Result, true));
            }
        }

        if (instance.Parent is { } parent)
        {
            var notice = complete.WorkflowStatus == OrchestrationStatus.Completed
                ? events.New(e => e.ChildWorkflowInstanceCompleted = new ChildWorkflowInstanceCompletedEvent { TaskScheduledId = parent.TaskScheduledId, Result = complete.Result })
                // Every other end is a failure to the parent; a terminated child has no failure details (applier.go).
                : events.New(e => e.ChildWorkflowInstanceFailed = new ChildWorkflowInstanceFailedEvent
                {
                    TaskScheduledId = parent.TaskScheduledId,
                    FailureDetails = complete.FailureDetails,
                });
            effects.ParentNotice = new ParentNotice(parent.WorkflowInstance.InstanceId, parent.WorkflowInstance.ExecutionId, notice);
        }
    }
}

/// <summary>
/// What a committed turn asks for beyond the instance itself.
/// </summary>
public sealed class TurnEffects
{
    public List<ActivityRequest> Activities { get; } = [];

    public List<(int TimerId, DateTime FireAt)> Timers { get; } = [];

    public List<ChildStart> Children { get; } = [];

    public List<(string InstanceId, string Name, string? Data)> EventsSent { get; } = [];

    public List<(string InstanceId, string? Reason, bool Recurse)> Terminations { get; } = [];

    public ParentNotice? ParentNotice { get; set; }
}

public sealed record ChildStart(string InstanceId, CreateChildWorkflowAction Action, ParentInstanceInfo Parent);

public sealed record ParentNotice(string ParentId, string ParentExecutionId, HistoryEvent Event);
