using System.Diagnostics;
using Dapr.Workflow;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using static DaprOrders.LocalDapr.TestApp.Workflows.WorkflowTestNames;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// Managing instances through DaprWorkflowClient: terminate, suspend/resume, purge, instance ids, tokens. What daprd
/// answers comes from durabletask-go `backend/executor.go` (its TaskHubSidecarService) and dapr
/// `pkg/actors/targets/workflow/orchestrator` (the workflow actor behind it).
/// </summary>
public sealed class WorkflowManagementTests : IDisposable
{
    private static readonly TimeSpan Moment = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _timeout = WorkflowTesting.Timeout();

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task Terminated_workflow_is_terminated_when_the_call_returns()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("wf-terminate");
        await using var workflows = TestWorkflowClient.For(app.Instance);
        var id = await workflows.Client.ScheduleNewWorkflowAsync(TwoEvents, WorkflowTesting.NewId(), WorkflowTesting.NewId(), null, Ct);
        Assert.Equal(WorkflowRuntimeStatus.Running, (await workflows.Client.WaitForWorkflowStartAsync(id, cancellation: Ct)).RuntimeStatus);

        // daprd's TerminateInstance returns once the instance is terminal (WaitForInstanceCompletion).
        await workflows.Client.TerminateWorkflowAsync(id, "stopped by the test", Ct);
        var state = await workflows.Client.GetWorkflowStateAsync(id, cancellation: Ct);

        Assert.Equal(WorkflowRuntimeStatus.Terminated, state.RuntimeStatus);

        // The output is what the app completes the terminated workflow with: Dapr.Workflow 1.19 completes it with none
        // (WorkflowWorker answers any ExecutionTerminated with CompleteWorkflow(Terminated) and no result), and daprd
        // uses the terminate output only when the app does not complete it (durabletask-go orchestration.go forceTermination).
        Assert.Null(state.ReadOutputAs<string>());
        Assert.Null(state.FailureDetails);
    }

    [Fact]
    public async Task Suspended_workflow_holds_its_events_until_resumed()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("wf-suspend");
        await using var workflows = TestWorkflowClient.For(app.Instance);
        var key = WorkflowTesting.NewId();
        var id = await workflows.Client.ScheduleNewWorkflowAsync(TwoEvents, WorkflowTesting.NewId(), key, null, Ct);
        await workflows.Client.WaitForWorkflowStartAsync(id, cancellation: Ct);

        // daprd's SuspendInstance returns once the status is SUSPENDED, ResumeInstance once it is RUNNING.
        await workflows.Client.SuspendWorkflowAsync(id, "paused by the test", Ct);
        Assert.Equal(WorkflowRuntimeStatus.Suspended, (await workflows.Client.GetWorkflowStateAsync(id, cancellation: Ct)).RuntimeStatus);

        // Acting on "go" would run the recording activity; while suspended, it must not.
        await workflows.Client.RaiseEventAsync(id, Go, "early", Ct);
        Assert.False(await WorkflowTesting.ExecutionWithinAsync(app, key, Moment, Ct), "The suspended workflow acted on an event.");
        Assert.Equal(WorkflowRuntimeStatus.Suspended, (await workflows.Client.GetWorkflowStateAsync(id, cancellation: Ct)).RuntimeStatus);

        await workflows.Client.ResumeWorkflowAsync(id, "resumed by the test", Ct);
        Assert.Equal(WorkflowRuntimeStatus.Running, (await workflows.Client.GetWorkflowStateAsync(id, cancellation: Ct)).RuntimeStatus);
        await app.WaitForRecordedAsync(Executions(key));

        await workflows.Client.RaiseEventAsync(id, Finish, "late", Ct);
        var state = await workflows.Client.WaitForWorkflowCompletionAsync(id, cancellation: Ct);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("early/late", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Purged_completed_workflow_no_longer_exists()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("wf-purge");
        await using var workflows = TestWorkflowClient.For(app.Instance);
        var id = await workflows.Client.ScheduleNewWorkflowAsync(OneActivity, WorkflowTesting.NewId(), "gone", null, Ct);
        await workflows.Client.WaitForWorkflowCompletionAsync(id, cancellation: Ct);

        Assert.True(await workflows.Client.PurgeInstanceAsync(id, Ct));

        var state = await workflows.Client.GetWorkflowStateAsync(id, cancellation: Ct);
        Assert.False(state.Exists);
        Assert.Equal(WorkflowRuntimeStatus.Unknown, state.RuntimeStatus);
    }

    [Fact]
    public async Task Purging_a_running_workflow_is_refused_and_it_runs_on()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("wf-purge-running");
        await using var workflows = TestWorkflowClient.For(app.Instance);
        var id = await workflows.Client.ScheduleNewWorkflowAsync(TwoEvents, WorkflowTesting.NewId(), WorkflowTesting.NewId(), null, Ct);
        await workflows.Client.WaitForWorkflowStartAsync(id, cancellation: Ct);

        // daprd: "failed to purge workflow state: ... orchestration has not yet completed" (api.ErrNotCompleted).
        var refused = await Assert.ThrowsAsync<RpcException>(() => workflows.Client.PurgeInstanceAsync(id, Ct));
        Assert.Contains("has not yet completed", refused.Status.Detail, StringComparison.Ordinal);

        Assert.Equal(WorkflowRuntimeStatus.Running, (await workflows.Client.GetWorkflowStateAsync(id, cancellation: Ct)).RuntimeStatus);
        await workflows.Client.RaiseEventAsync(id, Go, "a", Ct);
        await workflows.Client.RaiseEventAsync(id, Finish, "b", Ct);
        Assert.Equal("a/b", (await workflows.Client.WaitForWorkflowCompletionAsync(id, cancellation: Ct)).ReadOutputAs<string>());
    }

    [Fact]
    public async Task Instance_id_is_refused_while_running_and_reused_after_completion()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("wf-id-reuse");
        await using var workflows = TestWorkflowClient.For(app.Instance);
        var id = WorkflowTesting.NewId();
        var key = WorkflowTesting.NewId();
        await workflows.Client.ScheduleNewWorkflowAsync(Gated, id, key, null, Ct);
        await app.WaitForRecordedAsync(Executions(key));

        // dapr orchestrator/create.go: "an active workflow with ID '%s' already exists" (AlreadyExists).
        var refused = await Assert.ThrowsAsync<RpcException>(() => workflows.Client.ScheduleNewWorkflowAsync(OneActivity, id, "second", null, Ct));
        Assert.Equal(StatusCode.AlreadyExists, refused.StatusCode);

        await WorkflowTesting.OpenGateAsync(app, key, Ct);
        Assert.Equal(WorkflowRuntimeStatus.Completed, (await workflows.Client.WaitForWorkflowCompletionAsync(id, cancellation: Ct)).RuntimeStatus);

        // Over a completed instance, a create starts a new run that replaces the old one.
        Assert.Equal(id, await workflows.Client.ScheduleNewWorkflowAsync(OneActivity, id, "second", null, Ct));
        var state = await workflows.Client.WaitForWorkflowCompletionAsync(id, cancellation: Ct);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(OneActivity, state.WorkflowName);
        Assert.Equal("second", state.ReadInputAs<string>());
        Assert.Equal("echo:second", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Unknown_instance_does_not_exist()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("wf-unknown");
        await using var workflows = TestWorkflowClient.For(app.Instance);

        var state = await workflows.Client.GetWorkflowStateAsync("no-such-" + WorkflowTesting.NewId(), cancellation: Ct);

        Assert.False(state.Exists);
        Assert.Equal(WorkflowRuntimeStatus.Unknown, state.RuntimeStatus);
    }

    [Fact]
    public async Task Workflow_calls_with_a_wrong_api_token_are_unauthenticated()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync(options => options with
        {
            DaprApiToken = "wf-secret",
        });
        using var app = await runtime.StartTestAppAsync("wf-tokens");
        await using var right = TestWorkflowClient.For(app.Instance, "wf-secret");
        await using var wrong = TestWorkflowClient.For(app.Instance, "not-the-secret");

        // The app's worker got the token as DAPR_API_TOKEN and takes work behind it.
        var id = await right.Client.ScheduleNewWorkflowAsync(OneActivity, WorkflowTesting.NewId(), "behind a token", null, Ct);
        Assert.Equal("echo:behind a token", (await right.Client.WaitForWorkflowCompletionAsync(id, cancellation: Ct)).ReadOutputAs<string>());

        var schedule = await Assert.ThrowsAsync<RpcException>(() => wrong.Client.ScheduleNewWorkflowAsync(OneActivity, WorkflowTesting.NewId(), "x", null, Ct));
        var read = await Assert.ThrowsAsync<RpcException>(() => wrong.Client.GetWorkflowStateAsync(id, cancellation: Ct));
        Assert.Equal(StatusCode.Unauthenticated, schedule.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, read.StatusCode);
    }

    [Fact]
    public async Task Unknown_method_of_the_workflow_service_is_unimplemented()
    {
        await using var runtime = await WorkflowTesting.StartRuntimeAsync();
        var sidecar = await runtime.StartSidecarAsync("wf-unknown-method");
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{sidecar.GrpcPort}");
        var empty = Marshallers.Create(m => m.ToByteArray(), Empty.Parser.ParseFrom);
        var noSuchMethod = new Method<Empty, Empty>(MethodType.Unary, "TaskHubSidecarService", "NoSuchMethod", empty, empty);
        var elapsed = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RpcException>(async () => await channel.CreateCallInvoker().AsyncUnaryCall(
            noSuchMethod, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: Ct), new Empty()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(5), $"Unimplemented took {elapsed.Elapsed}.");
    }

    public void Dispose() => _timeout.Dispose();
}
