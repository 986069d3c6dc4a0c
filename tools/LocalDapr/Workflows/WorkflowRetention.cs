using Dapr.DurableTask.Protobuf;
using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Timing;

namespace DaprOrders.LocalDapr.Workflows;

/// <summary>
/// Dapr's workflow state retention policy (Configuration `spec.workflow.stateRetentionPolicy`, Dapr 1.17+):
/// how long a finished instance's state is kept before it is purged, per final status, Go durations
/// ("0s" purges at once). A status of its own wins over `anyTerminal`; nothing set keeps state until purged
/// (dapr pkg/config/configuration.go WorkflowStateRetentionPolicy; orchestrator/run.go handleRetention;
/// https://docs.dapr.io/developing-applications/building-blocks/workflow/workflow-history-retention-policy/).
/// </summary>
public sealed record WorkflowRetention(TimeSpan? AnyTerminal, TimeSpan? Completed, TimeSpan? Failed, TimeSpan? Terminated)
{
    public static WorkflowRetention None { get; } = new(null, null, null, null);

    public TimeSpan? After(OrchestrationStatus status) => status switch
    {
        OrchestrationStatus.Completed => Completed ?? AnyTerminal,
        OrchestrationStatus.Terminated => Terminated ?? AnyTerminal,
        OrchestrationStatus.Failed => Failed ?? AnyTerminal,
        _ => AnyTerminal,
    };

    /// <summary>
    /// From the Configuration in the resources (<see cref="RuntimeResources.Configuration"/>).
    /// </summary>
    public static WorkflowRetention From(RuntimeResources resources)
    {
        if (resources.Configuration() is not { } configuration)
        {
            return None;
        }

        if (configuration.Spec.GetValueOrDefault("workflow") is not IReadOnlyDictionary<string, object?> workflow
            || workflow.GetValueOrDefault("stateRetentionPolicy") is not IReadOnlyDictionary<string, object?> policy)
        {
            return None;
        }

        TimeSpan? Read(string field)
        {
            if (policy.GetValueOrDefault(field) is not { } value)
            {
                return null;
            }

            return value is string text && DaprDurations.TryParseGoDuration(text, out var duration) && duration >= TimeSpan.Zero
                ? duration
                : throw new ResourceException(configuration.SourceFile, $"spec.workflow.stateRetentionPolicy.{field}", null,
                    $"'{value}' is not a duration such as \"30m\" or \"72h\"");
        }

        return new WorkflowRetention(Read("anyTerminal"), Read("completed"), Read("failed"), Read("terminated"));
    }
}
