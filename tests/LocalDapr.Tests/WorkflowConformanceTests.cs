using System.Diagnostics;
using Dapr.Workflow;
using DaprOrders.LocalDapr.TestApp.Workflows;
using static DaprOrders.LocalDapr.TestApp.Workflows.WorkflowTestNames;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// The TestApp's real Dapr.Workflow 1.19 worker runs the workflows; the test drives them with the SDK's
/// DaprWorkflowClient on the app's sidecar, both over the sidecar's TaskHubSidecarService, as with daprd.
/// </summary>
public sealed class WorkflowConformanceTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = WorkflowTesting.Timeout();

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task One_activity_workflow_completes_with_the_activity_result()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("wf-one");
        await using var workflows = TestWorkflowClient.For(app.Instance);

        var id = await workflows.Client.ScheduleNewWorkflowAsync(OneActivity, WorkflowTesting.NewId(), "hello", null, Ct);
        var state = await workflows.Client.WaitForWorkflowCompletionAsync(id, cancellation: Ct);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("echo:hello", state.ReadOutputAs<string>());
        Assert.Equal("hello", state.ReadInputAs<string>());
        Assert.Equal(OneActivity, state.WorkflowName);
        Assert.Null(state.FailureDetails);
    }

    [Fact]
    public async Task Fan_out_of_five_activities_fans_in_every_result_in_order()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("wf-fan-out");
        await using var workflows = TestWorkflowClient.For(app.Instance);

        var id = await workflows.Client.ScheduleNewWorkflowAsync(FanOut, WorkflowTesting.NewId(), "o1", null, Ct);
        var state = await workflows.Client.WaitForWorkflowCompletionAsync(id, cancellation: Ct);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("echo:o1-1|echo:o1-2|echo:o1-3|echo:o1-4|echo:o1-5", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Event_raised_before_the_workflow_waits_for_it_is_delivered()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("wf-early-event");
        await using var workflows = TestWorkflowClient.For(app.Instance);
        var key = WorkflowTesting.NewId();

        var id = await workflows.Client.ScheduleNewWorkflowAsync(GatedThenEvent, WorkflowTesting.NewId(), key, null, Ct);
        await app.WaitForRecordedAsync(Executions(key));

        // The workflow is inside its gated activity: it waits for the approval only once the gate opens.
        await workflows.Client.RaiseEventAsync(id, Approve, "yes", Ct);
        await WorkflowTesting.OpenGateAsync(app, key, Ct);
        var state = await workflows.Client.WaitForWorkflowCompletionAsync(id, cancellation: Ct);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("yes", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Event_wait_times_out_when_no_event_comes()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("wf-event-timeout");
        await using var workflows = TestWorkflowClient.For(app.Instance);
        var elapsed = Stopwatch.StartNew();

        var id = await workflows.Client.ScheduleNewWorkflowAsync(EventWithTimeout, WorkflowTesting.NewId(), "x", null, Ct);
        var state = await workflows.Client.WaitForWorkflowCompletionAsync(id, cancellation: Ct);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(TimedOut, state.ReadOutputAs<string>());

        // The timeout is a durable timer at the turn's time plus the timeout: it must not fire early.
        Assert.True(elapsed.Elapsed >= EventTimeout - TimeSpan.FromMilliseconds(50), $"Timed out after {elapsed.Elapsed}, before the {EventTimeout} timeout.");
    }

    [Fact]
    public async Task Activity_that_throws_without_retry_fails_the_workflow_with_its_failure()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("wf-failing");
        await using var workflows = TestWorkflowClient.For(app.Instance);
        var key = WorkflowTesting.NewId();

        var id = await workflows.Client.ScheduleNewWorkflowAsync(CallFlaky, WorkflowTesting.NewId(), new FlakyCall(key, Failures: 1, MaxAttempts: 1), null, Ct);
        var state = await workflows.Client.WaitForWorkflowCompletionAsync(id, cancellation: Ct);

        Assert.Equal(WorkflowRuntimeStatus.Failed, state.RuntimeStatus);
        var failure = Assert.IsType<WorkflowTaskFailureDetails>(state.FailureDetails);

        // The SDK fails the workflow with the exception its await threw, whose message carries the activity's.
        Assert.Equal(typeof(WorkflowTaskFailedException).FullName, failure.ErrorType);
        Assert.Equal($"Task failed: attempt 1 of {key} failed", failure.ErrorMessage);
        Assert.Single(await app.WaitForRecordedAsync(Executions(key)));
    }

    [Fact]
    public async Task Activity_with_a_retry_policy_succeeds_on_its_third_attempt()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("wf-retry");
        await using var workflows = TestWorkflowClient.For(app.Instance);
        var key = WorkflowTesting.NewId();

        var id = await workflows.Client.ScheduleNewWorkflowAsync(CallFlaky, WorkflowTesting.NewId(), new FlakyCall(key, Failures: 2, MaxAttempts: 3), null, Ct);
        var state = await workflows.Client.WaitForWorkflowCompletionAsync(id, cancellation: Ct);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("attempt 3", state.ReadOutputAs<string>());
        Assert.Equal(3, (await app.WaitForRecordedAsync(Executions(key), 3)).Count);
    }

    [Fact]
    public async Task Child_workflow_result_returns_to_its_parent()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("wf-child");
        await using var workflows = TestWorkflowClient.For(app.Instance);

        var id = await workflows.Client.ScheduleNewWorkflowAsync(Parent, WorkflowTesting.NewId(), "kid", null, Ct);
        var parent = await workflows.Client.WaitForWorkflowCompletionAsync(id, cancellation: Ct);
        var child = await workflows.Client.GetWorkflowStateAsync(ChildId(id), cancellation: Ct);

        Assert.Equal(WorkflowRuntimeStatus.Completed, parent.RuntimeStatus);
        Assert.Equal("parent:echo:kid", parent.ReadOutputAs<string>());
        Assert.True(child.Exists);
        Assert.Equal(Child, child.WorkflowName);
        Assert.Equal(WorkflowRuntimeStatus.Completed, child.RuntimeStatus);
        Assert.Equal("echo:kid", child.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Continue_as_new_counts_to_its_target_one_generation_at_a_time()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("wf-continue");
        await using var workflows = TestWorkflowClient.For(app.Instance);

        var id = await workflows.Client.ScheduleNewWorkflowAsync(CountTo, WorkflowTesting.NewId(), new CountToInput(1, 10), null, Ct);
        var state = await workflows.Client.WaitForWorkflowCompletionAsync(id, cancellation: Ct);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(10, state.ReadOutputAs<int>());

        // The instance keeps its id; what it reports is the last generation, started with the last input.
        Assert.Equal(new CountToInput(10, 10), state.ReadInputAs<CountToInput>());
    }

    public void Dispose() => _timeout.Dispose();
}
