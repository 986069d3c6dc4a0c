using System.Text.Json;
using Dapr.Workflow;

namespace DaprOrders.LocalDapr.TestApp.Workflows;

public sealed class EchoActivity : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input) => Task.FromResult($"echo:{input}");
}

/// <summary>
/// Records its execution under its key and returns this process's id.
/// </summary>
public sealed class RecordActivity(RecordedEvents recorded) : WorkflowActivity<string, int>
{
    public override Task<int> RunAsync(WorkflowActivityContext context, string input)
    {
        ActivityLog.Record(recorded, input, context);
        return Task.FromResult(Environment.ProcessId);
    }
}

/// <summary>
/// Records its execution, then waits until the test opens the gate of its key; returns this process's id.
/// </summary>
public sealed class GateActivity(RecordedEvents recorded, WorkflowGates gates) : WorkflowActivity<string, int>
{
    public override async Task<int> RunAsync(WorkflowActivityContext context, string input)
    {
        ActivityLog.Record(recorded, input, context);
        await gates.WaitAsync(input);
        return Environment.ProcessId;
    }
}

/// <summary>
/// Fails its first N attempts (counted per key in this process), then answers which attempt succeeded.
/// </summary>
public sealed class FlakyActivity(RecordedEvents recorded) : WorkflowActivity<FlakyAttempt, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, FlakyAttempt input)
    {
        var attempt = ActivityLog.Record(recorded, input.Key, context);
        return attempt <= input.Failures
            ? throw new InvalidOperationException($"attempt {attempt} of {input.Key} failed")
            : Task.FromResult($"attempt {attempt}");
    }
}

internal static class ActivityLog
{
    /// <summary>
    /// Records one execution in the key's stream; returns how many this process has recorded there, this one included.
    /// </summary>
    public static int Record(RecordedEvents recorded, string key, WorkflowActivityContext context)
    {
        var execution = new ActivityExecution(context.InstanceId, Environment.ProcessId, context.TaskExecutionKey);
        var stream = WorkflowTestNames.Executions(key);
        recorded.Record(stream, JsonSerializer.SerializeToNode(execution, JsonSerializerOptions.Web));
        return recorded.Snapshot(stream).Count;
    }
}
