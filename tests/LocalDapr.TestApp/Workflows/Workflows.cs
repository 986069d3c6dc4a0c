using Dapr.Workflow;
using static DaprOrders.LocalDapr.TestApp.Workflows.WorkflowTestNames;

namespace DaprOrders.LocalDapr.TestApp.Workflows;

public sealed class OneActivityWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string input) => context.CallActivityAsync<string>(Echo, input);
}

/// <summary>
/// Five activities at once, then their results in order.
/// </summary>
public sealed class FanOutWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var results = await Task.WhenAll(Enumerable.Range(1, 5).Select(n => context.CallActivityAsync<string>(Echo, $"{input}-{n}")));
        return string.Join('|', results);
    }
}

/// <summary>
/// Waits for the approval only after a gated activity: an approval raised while the gate is shut arrives
/// before the workflow waits for it.
/// </summary>
public sealed class GatedThenEventWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        await context.CallActivityAsync<int>(Gate, input);
        return await context.WaitForExternalEventAsync<string>(Approve);
    }
}

public sealed class EventWithTimeoutWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        try
        {
            return await context.WaitForExternalEventAsync<string>(Approve, EventTimeout);
        }
        catch (TaskCanceledException)
        {
            return TimedOut;
        }
    }
}

public sealed class CallFlakyWorkflow : Workflow<FlakyCall, string>
{
    public override Task<string> RunAsync(WorkflowContext context, FlakyCall input)
    {
        var options = input.MaxAttempts > 1
            ? new WorkflowTaskOptions(new WorkflowRetryPolicy(input.MaxAttempts, TimeSpan.FromMilliseconds(100)))
            : null;
        return context.CallActivityAsync<string>(Flaky, new FlakyAttempt(input.Key, input.Failures), options);
    }
}

public sealed class ParentWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var child = await context.CallChildWorkflowAsync<string>(Child, input, new ChildWorkflowTaskOptions(ChildId(context.InstanceId)));
        return $"parent:{child}";
    }
}

public sealed class ChildWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string input) => context.CallActivityAsync<string>(Echo, input);
}

/// <summary>
/// One generation per count, each with an activity, so every generation's history must start afresh.
/// </summary>
public sealed class CountToWorkflow : Workflow<CountToInput, int>
{
    public override async Task<int> RunAsync(WorkflowContext context, CountToInput input)
    {
        await context.CallActivityAsync<string>(Echo, $"{input.Count}");
        if (input.Count < input.Target)
        {
            context.ContinueAsNew(input with { Count = input.Count + 1 });
        }

        return input.Count;
    }
}

/// <summary>
/// Waits for "go", records that it went on (activity under its input as key), then waits for "finish".
/// </summary>
public sealed class TwoEventsWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var go = await context.WaitForExternalEventAsync<string>(Go);
        await context.CallActivityAsync<int>(Record, input);
        var finish = await context.WaitForExternalEventAsync<string>(Finish);
        return $"{go}/{finish}";
    }
}

/// <summary>
/// One gated activity; the output is the id of the process that completed it.
/// </summary>
public sealed class GatedWorkflow : Workflow<string, int>
{
    public override Task<int> RunAsync(WorkflowContext context, string input) => context.CallActivityAsync<int>(Gate, input);
}

/// <summary>
/// One recording activity; the output is the id of the process that ran it.
/// </summary>
public sealed class WhereAmIWorkflow : Workflow<string, int>
{
    public override Task<int> RunAsync(WorkflowContext context, string input) => context.CallActivityAsync<int>(Record, input);
}
