using System.Collections.Concurrent;
using System.Diagnostics;
using Dapr.DurableTask.Protobuf;
using DaprOrders.LocalDapr.Actors;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace DaprOrders.LocalDapr.Workflows;

/// <summary>
/// The workflow engine of one app id, as daprd runs it on the app's workflow actors: instances with their
/// history and inbox in the actor state store, one turn in flight per instance, the work items of every
/// instance of the app on a shared <see cref="WorkItemDispatcher"/>, durable timers, and the client operations
/// of `TaskHubSidecarService`. The contract follows durabletask-go (backend/orchestration.go, backend/executor.go,
/// backend/runtimestate/applier.go) and dapr pkg/actors/targets/workflow.
/// </summary>
public sealed class WorkflowEngine : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, WorkflowInstance> _instances = new(StringComparer.Ordinal);
    private readonly WorkflowStateStore _store;
    private readonly WorkflowRetention _retention;
    private readonly WorkflowSchedule _schedule;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    // The open `activity` span of each activity work item out with a worker, by completion token.
    private readonly ConcurrentDictionary<string, Activity> _activitySpans = new(StringComparer.Ordinal);
    private TaskCompletionSource _created = NewSignal();

    public WorkflowEngine(string appId, IActorStateStore stateStore, WorkflowRetention retention, TimeProvider time, ILogger logger)
    {
        AppId = appId;
        _store = new WorkflowStateStore(stateStore, appId);
        _retention = retention;
        _schedule = new WorkflowSchedule(time, logger);
        _logger = logger;
        Events = new HistoryEvents(time);
        Dispatcher = new WorkItemDispatcher(logger);
    }

    public string AppId { get; }

    public WorkItemDispatcher Dispatcher { get; }

    private HistoryEvents Events { get; }

    /// <summary>
    /// StartInstance: a new instance, or a new run of a finished one's id; AlreadyExists while one is active
    /// (dapr pkg/actors/targets/workflow/orchestrator/create.go createIfCompleted). Like daprd it answers once
    /// the first turn has committed (durabletask-go executor.go StartInstance waits for the start), unless the
    /// start is scheduled for later.
    /// </summary>
    public async Task<string> StartAsync(CreateInstanceRequest request, CancellationToken cancellationToken)
    {
        var run = await CreateAsync(request, parent: null, cancellationToken);
        if (request.ScheduledStartTimestamp is null)
        {
            await WaitForRunAsync(run, status => status != OrchestrationStatus.Pending, cancellationToken);
        }

        return run.Instance.Id;
    }

    private async Task<Run> CreateAsync(CreateInstanceRequest request, ParentInstanceInfo? parent, CancellationToken cancellationToken)
    {
        var id = string.IsNullOrEmpty(request.InstanceId) ? Guid.NewGuid().ToString("N") : request.InstanceId;
        var instance = GetOrAdd(id);
        await instance.Gate.WaitAsync(cancellationToken);
        try
        {
            if (instance.ExecutionId.Length > 0 && !instance.IsTerminal)
            {
                throw new RpcException(new Status(StatusCode.AlreadyExists, $"an active workflow with ID '{id}' already exists"));
            }

            var now = Events.UtcNow;
            instance.Reset();
            instance.Name = request.Name;
            instance.Input = request.Input;
            instance.Parent = parent;
            instance.ExecutionId = string.IsNullOrEmpty(request.ExecutionId) ? Guid.NewGuid().ToString("N") : request.ExecutionId;
            instance.Status = OrchestrationStatus.Pending;
            instance.CreatedAt = now;
            instance.LastUpdatedAt = now;
            // ExecutionStarted carries the start's span (durabletask-go executor.go StartInstance), the run's span
            // is its child.
            using (var create = WorkflowSpans.StartCreate(request, id))
            {
                var started = WorkflowSpans.ContextOf(create) ?? request.ParentTraceContext;
                instance.Inbox.Add(Events.ExecutionStarted(instance, request.ScheduledStartTimestamp, started));
                instance.RunSpan = WorkflowSpans.StartRun(instance, started);
            }

            instance.StartAt = request.ScheduledStartTimestamp?.ToDateTime() is { } startAt && startAt > now ? startAt : null;
            await _store.SaveAsync(instance, cancellationToken);
            instance.NotifyChanged();
            Interlocked.Exchange(ref _created, NewSignal()).TrySetResult();
            if (instance.StartAt is { } due)
            {
                _schedule.At(due, () => WithInstanceAsync(id, i => i.StartAt = null));
            }
            else
            {
                TryDispatchTurn(instance);
            }

            return new Run(instance, instance.ExecutionId);
        }
        finally
        {
            instance.Gate.Release();
        }
    }

    /// <summary>
    /// GetInstance: null for an unknown id.
    /// </summary>
    public async Task<WorkflowState?> GetStateAsync(string id, bool withPayloads, CancellationToken cancellationToken)
    {
        if (Find(id) is not { } instance)
        {
            return null;
        }

        await instance.Gate.WaitAsync(cancellationToken);
        try
        {
            return instance.ExecutionId.Length == 0 ? null : instance.ToState(withPayloads);
        }
        finally
        {
            instance.Gate.Release();
        }
    }

    /// <summary>
    /// WaitForInstanceStart/Completion: blocks until <paramref name="reached"/> holds, without polling. An unknown
    /// id is waited for too, as daprd parks the caller until the instance appears (dapr orchestrator/stream.go).
    /// </summary>
    public async Task<WorkflowState> WaitAsync(string id, Func<OrchestrationStatus, bool> reached, bool withPayloads, CancellationToken cancellationToken)
    {
        while (true)
        {
            var anyCreated = _created.Task;
            if (Find(id) is not { } instance)
            {
                await anyCreated.WaitAsync(cancellationToken);
                continue;
            }

            Task changed;
            await instance.Gate.WaitAsync(cancellationToken);
            try
            {
                if (instance.ExecutionId.Length == 0)
                {
                    changed = anyCreated; // purged: wait for it to be created again
                }
                else if (reached(instance.Status))
                {
                    return instance.ToState(withPayloads);
                }
                else
                {
                    changed = instance.Changed.Task;
                }
            }
            finally
            {
                instance.Gate.Release();
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// RaiseEvent: into the inbox, a turn follows. An unknown instance is an error "no such instance exists" with
    /// gRPC code Unknown, as daprd answers (dapr orchestrator/add.go returns api.ErrInstanceNotFound as a plain
    /// error); a finished instance takes it and drops it, as daprd drops work for it.
    /// </summary>
    public Task RaiseEventAsync(string id, string name, string? input, CancellationToken cancellationToken) =>
        DeliverAsync(id, null, Events.New(e => e.EventRaised = new EventRaisedEvent { Name = name, Input = input }), cancellationToken);

    /// <summary>
    /// Waits until the run's status satisfies <paramref name="reached"/>, or the run is over for good: purged (a
    /// retention of "0s" purges right at completion) or replaced by a new run of the same id. Unlike
    /// <see cref="WaitAsync"/> it never waits for the id to come back.
    /// </summary>
    private static async Task WaitForRunAsync(Run? run, Func<OrchestrationStatus, bool> reached, CancellationToken cancellationToken)
    {
        if (run is null)
        {
            return;
        }

        var (instance, executionId) = run;
        while (true)
        {
            Task changed;
            await instance.Gate.WaitAsync(cancellationToken);
            try
            {
                if (instance.ExecutionId != executionId || reached(instance.Status))
                {
                    return;
                }

                changed = instance.Changed.Task;
            }
            finally
            {
                instance.Gate.Release();
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// TerminateInstance: an ExecutionTerminated event, to which the SDK answers with CompleteWorkflow(Terminated);
    /// answers once the instance is finished (durabletask-go executor.go TerminateInstance); a finished one is a no-op.
    /// </summary>
    public async Task TerminateAsync(string id, string? output, bool recursive, CancellationToken cancellationToken)
    {
        var run = await DeliverAsync(id, null, Events.New(e => e.ExecutionTerminated = new ExecutionTerminatedEvent { Input = output, Recurse = recursive }), cancellationToken);
        await WaitForRunAsync(run, WorkflowInstance.IsTerminalStatus, cancellationToken);
    }

    /// <summary>
    /// SuspendInstance: an ExecutionSuspended event; SUSPENDED once a turn has taken it into history. Turns go on
    /// (the SDK holds events back while suspended and answers with no actions), as in durabletask-go.
    /// </summary>
    public async Task SuspendAsync(string id, string? reason, CancellationToken cancellationToken)
    {
        var run = await DeliverAsync(id, null, Events.New(e => e.ExecutionSuspended = new ExecutionSuspendedEvent { Input = reason }), cancellationToken);
        await WaitForRunAsync(run, status => status == OrchestrationStatus.Suspended || WorkflowInstance.IsTerminalStatus(status), cancellationToken);
    }

    /// <summary>
    /// ResumeInstance: an ExecutionResumed event; RUNNING once a turn has taken it.
    /// </summary>
    public async Task ResumeAsync(string id, string? reason, CancellationToken cancellationToken)
    {
        var run = await DeliverAsync(id, null, Events.New(e => e.ExecutionResumed = new ExecutionResumedEvent { Input = reason }), cancellationToken);
        await WaitForRunAsync(run, status => status != OrchestrationStatus.Suspended, cancellationToken);
    }

    /// <summary>
    /// PurgeInstances of one id: its state leaves the store and memory. Only a finished instance (or any, with
    /// <paramref name="force"/>); recursive also purges its child workflows. Returns how many were deleted.
    /// Errors as daprd's (durabletask-go backend.go purgeWorkflowState, wrapped as a plain error: gRPC Unknown).
    /// </summary>
    public async Task<int> PurgeAsync(string id, bool recursive, bool force, CancellationToken cancellationToken)
    {
        if (Find(id) is not { } instance)
        {
            throw NoSuchInstance("failed to purge workflow state: ");
        }

        List<string> children;
        await instance.Gate.WaitAsync(cancellationToken);
        try
        {
            if (instance.ExecutionId.Length == 0)
            {
                throw NoSuchInstance("failed to purge workflow state: ");
            }

            if (!instance.IsTerminal && !force)
            {
                throw new RpcException(new Status(StatusCode.Unknown, "failed to purge workflow state: orchestration has not yet completed"));
            }

            children = [.. instance.Children];
            await _store.DeleteAsync(instance, cancellationToken);
            if (instance.InFlight is { } turn)
            {
                Dispatcher.Cancel(turn.Token);
            }

            instance.Reset();
            instance.ExecutionId = "";
            instance.NotifyChanged();
            lock (_gate)
            {
                if (_instances.TryGetValue(id, out var current) && current == instance)
                {
                    _instances.Remove(id);
                }
            }
        }
        finally
        {
            instance.Gate.Release();
        }

        var purged = 1;
        if (recursive)
        {
            foreach (var child in children.Where(c => Find(c) is not null))
            {
                try
                {
                    purged += await PurgeAsync(child, recursive, force, cancellationToken);
                }
                catch (RpcException)
                {
                    // a child already gone is skipped, as daprd's recursive purge does
                }
            }
        }

        return purged;
    }

    /// <summary>
    /// GetInstanceHistory: from memory while the instance runs, from the state store once it finished.
    /// </summary>
    public async Task<IReadOnlyList<HistoryEvent>?> HistoryAsync(string id, CancellationToken cancellationToken)
    {
        if (Find(id) is not { } instance)
        {
            return null;
        }

        await instance.Gate.WaitAsync(cancellationToken);
        try
        {
            if (instance.ExecutionId.Length == 0)
            {
                return null;
            }

            return instance.IsTerminal
                ? await _store.LoadHistoryAsync(id, instance.StoredHistory, cancellationToken)
                : [.. instance.History];
        }
        finally
        {
            instance.Gate.Release();
        }
    }

    /// <summary>
    /// CompleteOrchestratorTask / CompleteWorkflowTask: commits the turn dispatched under the response's token;
    /// a stale or duplicate completion is dropped.
    /// </summary>
    public async Task CompleteTurnAsync(WorkflowResponse response, CancellationToken cancellationToken)
    {
        if (!Dispatcher.TryComplete(response.CompletionToken) || Find(response.InstanceId) is not { } instance)
        {
            _logger.LogDebug("Dropping a stale workflow turn completion for {InstanceId}", response.InstanceId);
            return;
        }

        TurnEffects effects;
        await instance.Gate.WaitAsync(cancellationToken);
        try
        {
            if (instance.InFlight is not { } turn || turn.Token != response.CompletionToken)
            {
                return;
            }

            effects = TurnCommit.Apply(instance, turn, response, Events, _logger);
            await _store.SaveAsync(instance, cancellationToken);
            foreach (var activity in effects.Activities)
            {
                EnqueueActivity(activity);
            }

            foreach (var (timerId, fireAt) in effects.Timers)
            {
                var executionId = instance.ExecutionId;
                _schedule.At(fireAt, () => FireTimerAsync(instance.Id, executionId, timerId, fireAt));
            }

            instance.NotifyChanged();
            if (instance.IsTerminal)
            {
                WorkflowSpans.EndRun(instance);
                // Its history is in the store; memory keeps what GetInstance answers (not the emptied list's array:
                // thousands of finished instances wait for their purge).
                instance.History.Clear();
                instance.History.TrimExcess();
                if (_retention.After(instance.Status) is { } keep && instance.CompletedAt is { } completedAt)
                {
                    var executionId = instance.ExecutionId;
                    _schedule.At(completedAt + keep, () => PurgeIfUnchangedAsync(instance.Id, executionId));
                }
            }
            else
            {
                TryDispatchTurn(instance);
            }
        }
        finally
        {
            instance.Gate.Release();
        }

        await RunEffectsAsync(instance, effects);
    }

    /// <summary>
    /// CompleteActivityTask: the result goes to the instance's inbox once; stale tokens, finished runs and
    /// duplicates are dropped (dapr orchestrator/add.go dedup; durabletask-go runtimestate ErrDuplicateEvent).
    /// </summary>
    public async Task CompleteActivityAsync(ActivityResponse response, CancellationToken cancellationToken)
    {
        if (_activitySpans.TryRemove(response.CompletionToken, out var span))
        {
            if (response.FailureDetails is { } failed)
            {
                span.SetStatus(ActivityStatusCode.Error, failed.ErrorMessage);
            }

            span.Stop();
        }

        if (!Dispatcher.TryComplete(response.CompletionToken, out var item) || item.ActivityRequest is not { } request)
        {
            _logger.LogDebug("Dropping a stale activity completion for {InstanceId} task {TaskId}", response.InstanceId, response.TaskId);
            return;
        }

        var completion = response.FailureDetails is { } failure
            ? Events.New(e => e.TaskFailed = new TaskFailedEvent { TaskScheduledId = request.TaskId, FailureDetails = failure, TaskExecutionId = request.TaskExecutionId })
            : Events.New(e => e.TaskCompleted = new TaskCompletedEvent { TaskScheduledId = request.TaskId, Result = response.Result, TaskExecutionId = request.TaskExecutionId });
        await DeliverAsync(request.WorkflowInstance.InstanceId, request.WorkflowInstance.ExecutionId, completion, cancellationToken, mustExist: false);
    }

    public void Dispose()
    {
        _schedule.Dispose();
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private WorkflowInstance? Find(string id)
    {
        lock (_gate)
        {
            return _instances.GetValueOrDefault(id);
        }
    }

    private WorkflowInstance GetOrAdd(string id)
    {
        lock (_gate)
        {
            if (!_instances.TryGetValue(id, out var instance))
            {
                _instances[id] = instance = new WorkflowInstance(id);
            }

            return instance;
        }
    }

    /// <summary>
    /// Puts an event into a live run's inbox (durably) and dispatches a turn. <paramref name="executionId"/>, when
    /// given, must be the current run's. Events for a finished run, and completions already recorded, are dropped.
    /// Returns the run it went to (also when dropped there), or null for an unknown instance.
    /// </summary>
    private async Task<Run?> DeliverAsync(string id, string? executionId, HistoryEvent e, CancellationToken cancellationToken, bool mustExist = true)
    {
        if (Find(id) is not { } instance)
        {
            ThrowIfMustExist(id, mustExist);
            return null;
        }

        await instance.Gate.WaitAsync(cancellationToken);
        try
        {
            if (instance.ExecutionId.Length == 0)
            {
                ThrowIfMustExist(id, mustExist);
                return null;
            }

            var run = new Run(instance, instance.ExecutionId);
            if (instance.IsTerminal || (executionId is not null && executionId != instance.ExecutionId)
                || HistoryEvents.IsResolved(instance.History.Concat(instance.PendingEvents), e))
            {
                _logger.LogDebug("Workflow {InstanceId}: dropping {Event} (finished run, other run or duplicate)", id, e.EventTypeCase);
                return run;
            }

            instance.Inbox.Add(e);
            await _store.SaveAsync(instance, cancellationToken);
            TryDispatchTurn(instance);
            return run;
        }
        finally
        {
            instance.Gate.Release();
        }
    }

    private static void ThrowIfMustExist(string id, bool mustExist)
    {
        if (mustExist)
        {
            throw NoSuchInstance("");
        }
    }

    /// <summary>
    /// durabletask-go api.ErrInstanceNotFound, which daprd returns as a plain error: gRPC Unknown.
    /// </summary>
    private static RpcException NoSuchInstance(string context) =>
        new(new Status(StatusCode.Unknown, context + "no such instance exists"));

    /// <summary>
    /// Changes a live instance under its lock, saves it and dispatches what became ready.
    /// </summary>
    private async Task WithInstanceAsync(string id, Action<WorkflowInstance> change)
    {
        if (Find(id) is not { } instance)
        {
            return;
        }

        await instance.Gate.WaitAsync(_stopping.Token);
        try
        {
            if (instance.ExecutionId.Length == 0)
            {
                return;
            }

            if (instance.IsTerminal)
            {
                return;
            }

            change(instance);
            instance.LastUpdatedAt = Events.UtcNow;
            await _store.SaveAsync(instance, _stopping.Token);
            instance.NotifyChanged();
            TryDispatchTurn(instance);
        }
        finally
        {
            instance.Gate.Release();
        }
    }

    /// <summary>
    /// Dispatches the inbox as the next turn unless one is in flight or the start is scheduled later. Under the gate.
    /// </summary>
    private void TryDispatchTurn(WorkflowInstance instance)
    {
        if (instance.InFlight is not null || instance.Inbox.Count == 0 || instance.IsTerminal || instance.StartAt is not null)
        {
            return;
        }

        // durabletask-go adds WorkflowStarted(now) first in every turn: the workflow's CurrentUtcDateTime.
        List<HistoryEvent> newEvents = [Events.WorkflowStarted(), .. instance.Inbox];
        instance.Inbox.Clear();
        var turn = new WorkflowTurn(NewToken(), newEvents);
        instance.InFlight = turn;
        var request = new WorkflowRequest { InstanceId = instance.Id, ExecutionId = instance.ExecutionId };
        request.PastEvents.AddRange(instance.History);
        request.NewEvents.AddRange(newEvents);
        Dispatcher.Enqueue(new WorkItem { WorkflowRequest = request, CompletionToken = turn.Token }, lost => _ = TurnLostAsync(instance, lost.CompletionToken));
    }

    /// <summary>
    /// The stream carrying the turn ended: its events go back to the front of the inbox and a new turn (new
    /// token, new WorkflowStarted) goes out to the next worker.
    /// </summary>
    private async Task TurnLostAsync(WorkflowInstance instance, string token)
    {
        await instance.Gate.WaitAsync(_stopping.Token);
        try
        {
            if (instance.InFlight is { } turn && turn.Token == token)
            {
                instance.InFlight = null;
                instance.Inbox.InsertRange(0, turn.Carried);
                TryDispatchTurn(instance);
            }
        }
        finally
        {
            instance.Gate.Release();
        }
    }

    /// <summary>
    /// Sends an activity out under an `activity` span of its own (a child of the run's span, which TaskScheduled
    /// carries): the SDK runs the activity code under the span the request names.
    /// </summary>
    private void EnqueueActivity(ActivityRequest scheduled)
    {
        var token = NewToken();
        var request = scheduled;
        if (WorkflowSpans.StartActivity(scheduled, scheduled.ParentTraceContext) is { } span)
        {
            request = scheduled.Clone();
            request.ParentTraceContext = WorkflowSpans.ContextOf(span);
            _activitySpans[token] = span;
        }

        Dispatcher.Enqueue(
            new WorkItem { ActivityRequest = request, CompletionToken = token },
            // Activities run at least once: a lost one goes out again, same request, new token (and a new span).
            lost =>
            {
                if (_activitySpans.TryRemove(token, out var abandoned))
                {
                    abandoned.SetStatus(ActivityStatusCode.Error, "the worker's stream ended before the activity completed");
                    abandoned.Stop();
                }

                EnqueueActivity(scheduled);
            });
    }

    private async Task FireTimerAsync(string id, string executionId, int timerId, DateTime fireAt)
    {
        if (Find(id) is { } instance && instance.ExecutionId == executionId)
        {
            WorkflowSpans.TimerFired(instance, timerId, fireAt);
        }

        await DeliverAsync(id, executionId, Events.New(e => e.TimerFired = new TimerFiredEvent { TimerId = timerId, FireAt = Timestamp.FromDateTime(fireAt) }), _stopping.Token, mustExist: false);
    }

    private async Task PurgeIfUnchangedAsync(string id, string executionId)
    {
        if (Find(id) is { } instance && instance.ExecutionId == executionId)
        {
            await PurgeAsync(id, recursive: false, force: false, _stopping.Token);
        }
    }

    /// <summary>
    /// What a committed turn asks of other instances (children, parents, event targets), done after its lock is
    /// released so two instances never wait on each other.
    /// </summary>
    private async Task RunEffectsAsync(WorkflowInstance instance, TurnEffects effects)
    {
        try
        {
            foreach (var child in effects.Children)
            {
                await StartChildAsync(child, instance);
            }

            foreach (var (target, name, data) in effects.EventsSent)
            {
                await DeliverAsync(target, null, Events.New(e => e.EventRaised = new EventRaisedEvent { Name = name, Input = data }), _stopping.Token, mustExist: false);
            }

            foreach (var (target, reason, recurse) in effects.Terminations)
            {
                await DeliverAsync(target, null, Events.New(e => e.ExecutionTerminated = new ExecutionTerminatedEvent { Input = reason, Recurse = recurse }), _stopping.Token, mustExist: false);
            }

            if (effects.ParentNotice is { } notice)
            {
                await DeliverAsync(notice.ParentId, notice.ParentExecutionId, notice.Event, _stopping.Token, mustExist: false);
            }
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException)
        {
            _logger.LogWarning("Workflow {InstanceId}: a follow-up of its turn failed: {Error}", instance.Id, e.Message);
        }
    }

    private async Task StartChildAsync(ChildStart child, WorkflowInstance parent)
    {
        try
        {
            await CreateAsync(
                new CreateInstanceRequest { InstanceId = child.InstanceId, Name = child.Action.Name, Input = child.Action.Input, Version = child.Action.Version },
                child.Parent,
                _stopping.Token);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
        {
            // The parent learns it as a failed child, as daprd reports a child it could not create.
            await DeliverAsync(parent.Id, child.Parent.WorkflowInstance.ExecutionId, Events.New(ev => ev.ChildWorkflowInstanceFailed = new ChildWorkflowInstanceFailedEvent
            {
                TaskScheduledId = child.Parent.TaskScheduledId,
                FailureDetails = new TaskFailureDetails { ErrorType = "WorkflowAlreadyExists", ErrorMessage = e.Status.Detail },
            }), _stopping.Token, mustExist: false);
        }
    }

    private static string NewToken() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// One run of an instance: the instance and the execution id the run has.
    /// </summary>
    private sealed record Run(WorkflowInstance Instance, string ExecutionId);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
