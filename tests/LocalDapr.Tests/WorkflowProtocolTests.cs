using System.Collections.Concurrent;
using System.Threading.Channels;
using Dapr.DurableTask.Protobuf;
using DaprOrders.LocalDapr.Actors;
using DaprOrders.LocalDapr.Sidecars;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using static Dapr.DurableTask.Protobuf.TaskHubSidecarService;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// The workflow engine's side of the protocol, driven by a hand-written worker that plays the SDK: what each turn
/// carries, how actions become history, stale and duplicate completions, re-dispatch when a stream ends, timers,
/// the state store layout and retention. (WorkflowConformanceTests run the real SDK.)
/// </summary>
public sealed class WorkflowProtocolTests
{
    private const string AppId = "wf-protocol";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_turn_starts_with_WorkflowStarted_and_actions_become_history_under_their_ids()
    {
        await using var runtime = await TestRuntime.StartAsync(("statestore.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync(AppId);
        using var channel = Channel(sidecar);
        var client = new TaskHubSidecarServiceClient(channel);
        await using var worker = RawWorker.Open(client);

        var started = client.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "wf-1", Name = "Flow", Input = "\"in\"" }, cancellationToken: Ct);
        var first = (await worker.NextAsync()).WorkflowRequest;
        Assert.Empty(first.PastEvents);
        Assert.Equal([HistoryEvent.EventTypeOneofCase.WorkflowStarted, HistoryEvent.EventTypeOneofCase.ExecutionStarted], Types(first.NewEvents));
        Assert.Equal("\"in\"", first.NewEvents[1].ExecutionStarted.Input);
        await worker.CompleteTurnAsync(first, ScheduleTask(id: 7, "Echo", "exec-7"));
        await started; // StartInstance answers once the first turn has committed

        var activity = (await worker.NextAsync()).ActivityRequest;
        Assert.Equal((7, "Echo", "exec-7", "wf-1"), (activity.TaskId, activity.Name, activity.TaskExecutionId, activity.WorkflowInstance.InstanceId));
        await worker.CompleteActivityAsync(activity, "\"out\"");

        var second = (await worker.NextAsync()).WorkflowRequest;
        var scheduled = Assert.Single(second.PastEvents, e => e.TaskScheduled is not null);
        Assert.Equal((7, "exec-7"), (scheduled.EventId, scheduled.TaskScheduled.TaskExecutionId));
        Assert.Equal([HistoryEvent.EventTypeOneofCase.WorkflowStarted, HistoryEvent.EventTypeOneofCase.TaskCompleted], Types(second.NewEvents));
        Assert.Equal((7, "exec-7", -1), (second.NewEvents[1].TaskCompleted.TaskScheduledId, second.NewEvents[1].TaskCompleted.TaskExecutionId, second.NewEvents[1].EventId));
        await worker.CompleteTurnAsync(second, CompleteWorkflow(id: 8, "\"done\""));

        var state = await client.WaitForInstanceCompletionAsync(new GetInstanceRequest { InstanceId = "wf-1", GetInputsAndOutputs = true }, cancellationToken: Ct);
        Assert.Equal((OrchestrationStatus.Completed, "\"done\"", "\"in\""), (state.WorkflowState.WorkflowStatus, state.WorkflowState.Output, state.WorkflowState.Input));
        var withoutPayloads = await client.GetInstanceAsync(new GetInstanceRequest { InstanceId = "wf-1" }, cancellationToken: Ct);
        Assert.Null(withoutPayloads.WorkflowState.Output);
    }

    [Fact]
    public async Task A_stale_turn_completion_and_a_duplicate_activity_result_change_nothing()
    {
        await using var runtime = await TestRuntime.StartAsync(("statestore.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync(AppId);
        using var channel = Channel(sidecar);
        var client = new TaskHubSidecarServiceClient(channel);
        await using var worker = RawWorker.Open(client);

        var started = client.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "wf-2", Name = "Flow" }, cancellationToken: Ct);
        var first = (await worker.NextAsync()).WorkflowRequest;
        var stale = new WorkflowResponse { InstanceId = "wf-2", CompletionToken = "not-the-token" };
        stale.Actions.Add(CompleteWorkflow(id: 0, "\"wrong\""));
        await client.CompleteWorkflowTaskAsync(stale, cancellationToken: Ct);
        Assert.Equal(OrchestrationStatus.Pending, (await client.GetInstanceAsync(new GetInstanceRequest { InstanceId = "wf-2" }, cancellationToken: Ct)).WorkflowState.WorkflowStatus);

        await worker.CompleteTurnAsync(first, ScheduleTask(id: 0, "A", "x0"), ScheduleTask(id: 1, "B", "x1"));
        await started;
        var a = (await worker.NextAsync()).ActivityRequest;
        var b = (await worker.NextAsync()).ActivityRequest;
        await worker.CompleteActivityAsync(a, "1");
        await worker.CompleteActivityAsync(a, "1"); // the same answer again: dropped
        var second = (await worker.NextAsync()).WorkflowRequest;
        await worker.CompleteTurnAsync(second);
        await worker.CompleteActivityAsync(b, "2");

        var third = (await worker.NextAsync()).WorkflowRequest;
        var completions = third.PastEvents.Concat(third.NewEvents).Where(e => e.TaskCompleted is not null).Select(e => e.TaskCompleted.TaskScheduledId);
        Assert.Equal([0, 1], completions);
    }

    [Fact]
    public async Task Work_carried_by_a_stream_that_ends_goes_to_the_next_worker_with_a_new_token()
    {
        await using var runtime = await TestRuntime.StartAsync(("statestore.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync(AppId);
        using var channel = Channel(sidecar);
        var client = new TaskHubSidecarServiceClient(channel);
        var crashed = RawWorker.Open(client);

        var started = client.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "wf-3", Name = "Flow" }, cancellationToken: Ct);
        var lostTurn = await crashed.NextAsync();
        await crashed.DisposeAsync(); // the worker dies holding the first turn

        await using var next = RawWorker.Open(client);
        var again = await next.NextAsync();
        Assert.Equal("wf-3", again.WorkflowRequest.InstanceId);
        Assert.NotEqual(lostTurn.CompletionToken, again.CompletionToken);
        Assert.Contains(again.WorkflowRequest.NewEvents, e => e.ExecutionStarted is not null);
        await next.CompleteTurnAsync(again.WorkflowRequest, again.CompletionToken, ScheduleTask(id: 0, "Slow", "x0"));
        await started;

        // An activity in flight on a dying stream runs again; the late answer of the first run is dropped.
        var first = await next.NextAsync();
        await next.DisposeAsync();
        await using var last = RawWorker.Open(client);
        var rerun = await last.NextAsync();
        Assert.Equal(("Slow", "x0"), (rerun.ActivityRequest.Name, rerun.ActivityRequest.TaskExecutionId));
        Assert.NotEqual(first.CompletionToken, rerun.CompletionToken);
        await client.CompleteActivityTaskAsync(ActivityAnswer(first, "\"late\""), cancellationToken: Ct);
        await client.CompleteActivityTaskAsync(ActivityAnswer(rerun, "\"fresh\""), cancellationToken: Ct);
        var turn = (await last.NextAsync()).WorkflowRequest;
        Assert.Equal("\"fresh\"", Assert.Single(turn.NewEvents, e => e.TaskCompleted is not null).TaskCompleted.Result);
    }

    [Fact]
    public async Task A_timer_fires_into_the_next_turn_and_an_end_of_time_timer_is_only_recorded()
    {
        await using var runtime = await TestRuntime.StartAsync(("statestore.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync(AppId);
        using var channel = Channel(sidecar);
        var client = new TaskHubSidecarServiceClient(channel);
        await using var worker = RawWorker.Open(client);

        var started = client.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "wf-4", Name = "Flow" }, cancellationToken: Ct);
        var first = (await worker.NextAsync()).WorkflowRequest;
        var now = first.NewEvents[0].Timestamp.ToDateTime();
        await worker.CompleteTurnAsync(first,
            CreateTimer(id: 0, new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999)),
            CreateTimer(id: 1, now.AddMilliseconds(200)));
        await started;

        var second = (await worker.NextAsync()).WorkflowRequest;
        var fired = Assert.Single(second.NewEvents, e => e.TimerFired is not null);
        Assert.Equal(1, fired.TimerFired.TimerId);
        Assert.True(second.NewEvents[0].Timestamp.ToDateTime() >= now.AddMilliseconds(200), "WorkflowStarted carries the time of the turn.");
        Assert.Equal([0, 1], second.PastEvents.Where(e => e.TimerCreated is not null).Select(e => e.EventId));
    }

    [Fact]
    public async Task Events_for_unknown_instances_fail_as_daprd_and_a_finished_instance_keeps_its_history_in_the_actor_state_store()
    {
        await using var runtime = await TestRuntime.StartAsync(("statestore.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync(AppId);
        using var channel = Channel(sidecar);
        var client = new TaskHubSidecarServiceClient(channel);
        await using var worker = RawWorker.Open(client);

        var unknown = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.RaiseEventAsync(new RaiseEventRequest { InstanceId = "nobody", Name = "e" }, cancellationToken: Ct));
        Assert.Equal((StatusCode.Unknown, "no such instance exists"), (unknown.StatusCode, unknown.Status.Detail));
        Assert.False((await client.GetInstanceAsync(new GetInstanceRequest { InstanceId = "nobody" }, cancellationToken: Ct)).Exists);

        var started = client.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "wf-5", Name = "Flow" }, cancellationToken: Ct);
        var turn = (await worker.NextAsync()).WorkflowRequest;
        await worker.CompleteTurnAsync(turn, CompleteWorkflow(id: 0, "42"));
        await started;
        await client.RaiseEventAsync(new RaiseEventRequest { InstanceId = "wf-5", Name = "late" }, cancellationToken: Ct); // taken, dropped

        var history = await client.GetInstanceHistoryAsync(new GetInstanceHistoryRequest { InstanceId = "wf-5" }, cancellationToken: Ct);
        Assert.Equal(
            [HistoryEvent.EventTypeOneofCase.WorkflowStarted, HistoryEvent.EventTypeOneofCase.ExecutionStarted, HistoryEvent.EventTypeOneofCase.ExecutionCompleted],
            Types(history.Events));
        var store = runtime.Runtime.Features.OfType<ActorsFeature>().Single().StateStore;
        var key = $"{AppId}||dapr.internal.default.{AppId}.workflow||wf-5||";
        Assert.NotNull(await store.GetAsync(key + "metadata", Ct));
        Assert.Equal(history.Events[2], HistoryEvent.Parser.ParseFrom((await store.GetAsync(key + "history-000002", Ct))!.Data.Span));

        var purged = await client.PurgeInstancesAsync(new PurgeInstancesRequest { InstanceId = "wf-5", Recursive = true }, cancellationToken: Ct);
        Assert.Equal(1, purged.DeletedInstanceCount);
        Assert.Null(await store.GetAsync(key + "metadata", Ct));
        Assert.Null(await store.GetAsync(key + "history-000000", Ct));
        Assert.False((await client.GetInstanceAsync(new GetInstanceRequest { InstanceId = "wf-5" }, cancellationToken: Ct)).Exists);
    }

    [Fact]
    public async Task The_retention_policy_purges_a_finished_instance()
    {
        const string configuration = """
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: appconfig
            spec:
              workflow:
                stateRetentionPolicy:
                  anyTerminal: "1h"
                  completed: "0s"
            """;
        await using var runtime = await TestRuntime.StartAsync(("statestore.yaml", TestRuntime.StateStoreYaml), ("config.yaml", configuration));
        var sidecar = await runtime.StartSidecarAsync(AppId);
        using var channel = Channel(sidecar);
        var client = new TaskHubSidecarServiceClient(channel);
        await using var worker = RawWorker.Open(client);

        var started = client.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "wf-6", Name = "Flow" }, cancellationToken: Ct);
        await worker.CompleteTurnAsync((await worker.NextAsync()).WorkflowRequest, CompleteWorkflow(id: 0, "1"));
        await started;

        // The purge runs on the engine's clock right after completion; nothing to await but its effect.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TestRuntime.Timeout);
        while ((await client.GetInstanceAsync(new GetInstanceRequest { InstanceId = "wf-6" }, cancellationToken: deadline.Token)).Exists)
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    [Fact]
    public async Task Starting_an_active_id_is_refused_and_a_finished_id_starts_a_new_run()
    {
        await using var runtime = await TestRuntime.StartAsync(("statestore.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync(AppId);
        using var channel = Channel(sidecar);
        var client = new TaskHubSidecarServiceClient(channel);
        await using var worker = RawWorker.Open(client);

        var started = client.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "wf-7", Name = "Flow", Input = "1" }, cancellationToken: Ct);
        var turn = (await worker.NextAsync()).WorkflowRequest;
        var active = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "wf-7", Name = "Flow" }, cancellationToken: Ct));
        Assert.Equal(StatusCode.AlreadyExists, active.StatusCode);
        await worker.CompleteTurnAsync(turn, CompleteWorkflow(id: 0, "\"first\""));
        await started;

        var again = client.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "wf-7", Name = "Flow", Input = "2" }, cancellationToken: Ct);
        var rerun = (await worker.NextAsync()).WorkflowRequest;
        Assert.Empty(rerun.PastEvents);
        Assert.Equal("2", Assert.Single(rerun.NewEvents, e => e.ExecutionStarted is not null).ExecutionStarted.Input);
        Assert.NotEqual(turn.ExecutionId, rerun.ExecutionId);
        await worker.CompleteTurnAsync(rerun, CompleteWorkflow(id: 0, "\"second\""));
        await again;
        var state = await client.GetInstanceAsync(new GetInstanceRequest { InstanceId = "wf-7", GetInputsAndOutputs = true }, cancellationToken: Ct);
        Assert.Equal(("2", "\"second\""), (state.WorkflowState.Input, state.WorkflowState.Output));
    }

    private static GrpcChannel Channel(AppInstance sidecar) => GrpcChannel.ForAddress($"http://127.0.0.1:{sidecar.GrpcPort}");

    private static List<HistoryEvent.EventTypeOneofCase> Types(IEnumerable<HistoryEvent> events) => [.. events.Select(e => e.EventTypeCase)];

    private static WorkflowAction ScheduleTask(int id, string name, string executionId) =>
        new() { Id = id, ScheduleTask = new ScheduleTaskAction { Name = name, TaskExecutionId = executionId } };

    private static WorkflowAction CreateTimer(int id, DateTime fireAt) =>
        new() { Id = id, CreateTimer = new CreateTimerAction { FireAt = Timestamp.FromDateTime(fireAt), CreateTimer = new TimerOriginCreateTimer() } };

    private static WorkflowAction CompleteWorkflow(int id, string result) =>
        new() { Id = id, CompleteWorkflow = new CompleteWorkflowAction { WorkflowStatus = OrchestrationStatus.Completed, Result = result } };

    private static ActivityResponse ActivityAnswer(WorkItem item, string result) => new()
    {
        InstanceId = item.ActivityRequest.WorkflowInstance.InstanceId,
        TaskId = item.ActivityRequest.TaskId,
        Result = result,
        CompletionToken = item.CompletionToken,
    };

    /// <summary>
    /// A `GetWorkItems` stream and the answers a worker gives, as Dapr.Workflow's GrpcProtocolHandler does.
    /// </summary>
    private sealed class RawWorker : IAsyncDisposable
    {
        private readonly TaskHubSidecarServiceClient _client;
        private readonly CancellationTokenSource _stop = new();
        private readonly Channel<WorkItem> _items = System.Threading.Channels.Channel.CreateUnbounded<WorkItem>();
        private readonly Dictionary<string, string> _turnTokens = [];
        private readonly ConcurrentDictionary<(string Instance, int Task), string> _activityTokens = new();
        private Task? _reading;

        private RawWorker(TaskHubSidecarServiceClient client) => _client = client;

        public static RawWorker Open(TaskHubSidecarServiceClient client)
        {
            var worker = new RawWorker(client);
            worker._reading = worker.ReadAsync();
            return worker;
        }

        public async Task<WorkItem> NextAsync()
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TestRuntime.Timeout);
            var item = await _items.Reader.ReadAsync(timeout.Token);
            if (item.WorkflowRequest is { } request)
            {
                _turnTokens[request.InstanceId] = item.CompletionToken;
            }

            return item;
        }

        public Task CompleteTurnAsync(WorkflowRequest request, params WorkflowAction[] actions) =>
            CompleteTurnAsync(request, _turnTokens[request.InstanceId], actions);

        public async Task CompleteTurnAsync(WorkflowRequest request, string token, params WorkflowAction[] actions)
        {
            var response = new WorkflowResponse { InstanceId = request.InstanceId, CompletionToken = token };
            response.Actions.AddRange(actions);
#pragma warning disable CS0612 // deprecated in the proto, but it is what Dapr.Workflow 1.19 calls
            await _client.CompleteOrchestratorTaskAsync(response, cancellationToken: Ct);
#pragma warning restore CS0612
        }

        public async Task CompleteActivityAsync(ActivityRequest request, string result)
        {
            // The token the item came with (the latest dispatch of this task).
            var token = _activityTokens[(request.WorkflowInstance.InstanceId, request.TaskId)];
            await _client.CompleteActivityTaskAsync(new ActivityResponse
            {
                InstanceId = request.WorkflowInstance.InstanceId,
                TaskId = request.TaskId,
                Result = result,
                CompletionToken = token,
            }, cancellationToken: Ct);
        }

        public async ValueTask DisposeAsync()
        {
            if (_stop.IsCancellationRequested)
            {
                return; // a test may end a worker early ("the app crashed") and dispose it again at the end
            }

            await _stop.CancelAsync();
            if (_reading is not null)
            {
                await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

        }

        private async Task ReadAsync()
        {
            using var call = _client.GetWorkItems(new GetWorkItemsRequest(), cancellationToken: _stop.Token);
            await foreach (var item in call.ResponseStream.ReadAllAsync(_stop.Token))
            {
                if (item.ActivityRequest is { } activity)
                {
                    _activityTokens[(activity.WorkflowInstance.InstanceId, activity.TaskId)] = item.CompletionToken;
                }

                await _items.Writer.WriteAsync(item, _stop.Token);
            }
        }
    }
}
