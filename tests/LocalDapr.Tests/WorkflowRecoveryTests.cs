using Dapr.Workflow;
using DaprOrders.LocalDapr.Runtime;
using static DaprOrders.LocalDapr.TestApp.Workflows.WorkflowTestNames;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// Workflows across app crashes and app instances. Activities are at least once, workflow state exactly once
/// (https://docs.dapr.io/contributing/protocol-reference/workflow-protocol/); daprd re-dispatches the work items of
/// a GetWorkItems stream that ends (durabletask-go executor.go) and spreads workflow and activity actors over the
/// app's instances (placement).
/// </summary>
public sealed class WorkflowRecoveryTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = WorkflowTesting.Timeout();

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task Activity_of_a_killed_app_runs_again_after_restart_and_the_workflow_completes()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("wf-kill");
        await using var workflows = TestWorkflowClient.For(app.Instance);
        var key = WorkflowTesting.NewId();
        var firstProcess = runtime.Runtime.ProcessIdOf(app.Instance);

        var id = await workflows.Client.ScheduleNewWorkflowAsync(Gated, WorkflowTesting.NewId(), key, null, Ct);
        var first = WorkflowTesting.Execution(Assert.Single(await app.WaitForRecordedAsync(Executions(key))));
        await runtime.Runtime.StopAppAsync(app.Instance, AppStopMode.Kill, Ct);
        await runtime.Runtime.RestartAppAsync(app.Instance, Ct);

        // The restarted app's worker connects afresh (the SDK's 5 s reconnect is for a live process) and gets the
        // unfinished activity again: same instance, same task.
        var second = WorkflowTesting.Execution(Assert.Single(await app.WaitForRecordedAsync(Executions(key))));
        var secondProcess = runtime.Runtime.ProcessIdOf(app.Instance);
        await WorkflowTesting.OpenGateAsync(app, key, Ct);
        var state = await workflows.Client.WaitForWorkflowCompletionAsync(id, cancellation: Ct);

        Assert.Equal(firstProcess, first.ProcessId);
        Assert.Equal(secondProcess, second.ProcessId);
        Assert.NotEqual(first.ProcessId, second.ProcessId);
        Assert.Equal(id, second.InstanceId);
        Assert.Equal(first.TaskExecutionKey, second.TaskExecutionKey);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(secondProcess, state.ReadOutputAs<int>());

        // Twice in all: once in the killed process, once here.
        Assert.Single(await WorkflowTesting.ExecutionsAsync(app, key));
    }

    [Fact]
    public async Task Two_instances_of_one_app_share_the_work_and_every_workflow_runs_once()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync();
        using var first = await runtime.StartTestAppAsync("wf-scale");
        using var second = await runtime.StartTestAppAsync("wf-scale");
        await using var workflows = TestWorkflowClient.For(first.Instance);
        var processes = new[] { runtime.Runtime.ProcessIdOf(first.Instance)!.Value, runtime.Runtime.ProcessIdOf(second.Instance)!.Value };
        await WaitUntilBothInstancesTakeWorkAsync(workflows.Client, processes);
        var key = WorkflowTesting.NewId();
        var ids = Enumerable.Range(0, 40).Select(_ => WorkflowTesting.NewId()).ToList();

        await Task.WhenAll(ids.Select(id => workflows.Client.ScheduleNewWorkflowAsync(WhereAmI, id, key, null, Ct)));
        var states = await Task.WhenAll(ids.Select(id => workflows.Client.WaitForWorkflowCompletionAsync(id, cancellation: Ct)));

        Assert.All(states, s => Assert.Equal(WorkflowRuntimeStatus.Completed, s.RuntimeStatus));
        var ranWhere = ids.Zip(states, (id, s) => (id, Process: s.ReadOutputAs<int>())).ToDictionary(r => r.id, r => r.Process);
        Assert.Equal(processes.Order(), ranWhere.Values.Distinct().Order());

        // Each workflow's activity ran exactly once, in the process its output names.
        var executions = (await WorkflowTesting.ExecutionsAsync(first, key)).Concat(await WorkflowTesting.ExecutionsAsync(second, key)).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), executions.Select(e => e.InstanceId).Order(StringComparer.Ordinal));
        Assert.All(executions, e => Assert.Equal(ranWhere[e.InstanceId], e.ProcessId));
    }

    /// <summary>
    /// The second app's worker opens its GetWorkItems stream a moment after the app listens, and daprd places workflow
    /// actors only on connected hosts: run small batches until both processes have taken work.
    /// </summary>
    private async Task WaitUntilBothInstancesTakeWorkAsync(DaprWorkflowClient client, int[] processes)
    {
        var seen = new HashSet<int>();
        while (!processes.All(seen.Contains))
        {
            var batch = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.ScheduleNewWorkflowAsync(WhereAmI, WorkflowTesting.NewId(), "warm-up", null, Ct)));
            foreach (var id in batch)
            {
                seen.Add((await client.WaitForWorkflowCompletionAsync(id, cancellation: Ct)).ReadOutputAs<int>());
            }
        }
    }

    public void Dispose() => _timeout.Dispose();
}
