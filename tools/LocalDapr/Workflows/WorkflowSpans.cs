using System.Diagnostics;
using Dapr.DurableTask.Protobuf;
using DaprOrders.LocalDapr.Telemetry;

namespace DaprOrders.LocalDapr.Workflows;

/// <summary>
/// The spans daprd's workflow engine makes (durabletask-go api/helpers/tracing.go), named `{type}||{name}`: a
/// `create_orchestration` span per start, one `orchestration` span per run from start to completion, an `activity`
/// span per dispatch of an activity, and a `timer` span when a timer fires. The trace context travels in history
/// as durabletask-go keeps it: ExecutionStarted carries the start's span, TaskScheduled the run's span, and the
/// ActivityRequest the activity's span, under which the SDK runs the activity code.
/// </summary>
public static class WorkflowSpans
{
    public static Activity? StartCreate(CreateInstanceRequest request, string instanceId)
    {
        var parent = Parent(request.ParentTraceContext) ?? Activity.Current?.Context ?? default;
        var span = RuntimeTelemetry.StartDetached($"create_orchestration||{request.Name}", ActivityKind.Client, parent);
        span?.SetTag("durabletask.type", "orchestration");
        span?.SetTag("durabletask.task.name", request.Name);
        span?.SetTag("durabletask.task.instance_id", instanceId);
        return span;
    }

    public static Activity? StartRun(WorkflowInstance instance, Dapr.DurableTask.Protobuf.TraceContext? started)
    {
        if (Parent(started) is not { } parent)
        {
            return null;
        }

        var span = RuntimeTelemetry.StartDetached($"orchestration||{instance.Name}", ActivityKind.Server, parent);
        span?.SetTag("durabletask.type", "orchestration");
        span?.SetTag("durabletask.task.name", instance.Name);
        span?.SetTag("durabletask.task.instance_id", instance.Id);
        return span;
    }

    public static void EndRun(WorkflowInstance instance)
    {
        if (instance.RunSpan is not { } span)
        {
            return;
        }

        instance.RunSpan = null;
        span.SetTag("durabletask.runtime_status", instance.Status.ToString().ToUpperInvariant());
        if (instance.Status is OrchestrationStatus.Failed)
        {
            span.SetStatus(ActivityStatusCode.Error, instance.Failure?.ErrorMessage);
        }

        span.Stop();
    }

    public static Activity? StartActivity(ActivityRequest request, Dapr.DurableTask.Protobuf.TraceContext? scheduled)
    {
        if (Parent(scheduled) is not { } parent)
        {
            return null;
        }

        var span = RuntimeTelemetry.StartDetached($"activity||{request.Name}", ActivityKind.Server, parent);
        span?.SetTag("durabletask.type", "activity");
        span?.SetTag("durabletask.task.name", request.Name);
        span?.SetTag("durabletask.task.task_id", request.TaskId);
        span?.SetTag("durabletask.task.instance_id", request.WorkflowInstance.InstanceId);
        return span;
    }

    public static void TimerFired(WorkflowInstance instance, int timerId, DateTime fireAt)
    {
        if (instance.RunSpan is not { } run)
        {
            return;
        }

        using var span = RuntimeTelemetry.StartDetached("timer", ActivityKind.Internal, run.Context);
        span?.SetTag("durabletask.type", "timer");
        span?.SetTag("durabletask.fire_at", fireAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        span?.SetTag("durabletask.task.task_id", timerId);
        span?.SetTag("durabletask.task.instance_id", instance.Id);
    }

    /// <summary>
    /// A span's context as history carries it.
    /// </summary>
    public static Dapr.DurableTask.Protobuf.TraceContext? ContextOf(Activity? span) => span is null ? null : new()
    {
        TraceParent = TraceHeaders.TraceParentOf(span.Context),
        TraceState = span.TraceStateString,
    };

    private static ActivityContext? Parent(Dapr.DurableTask.Protobuf.TraceContext? context) =>
        TraceHeaders.TryParse(context?.TraceParent, context?.TraceState, out var parent) ? parent : null;
}
