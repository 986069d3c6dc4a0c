using Dapr.DurableTask.Protobuf;
using DaprOrders.LocalDapr.Actors;
using DaprOrders.LocalDapr.Grpc;
using DaprOrders.LocalDapr.Sidecars;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace DaprOrders.LocalDapr.Workflows;

/// <summary>
/// `TaskHubSidecarService`, the durabletask gRPC service Dapr.Workflow talks to, on the sidecar's gRPC port
/// beside the Dapr API and behind the same API token, as daprd serves it (dapr pkg/api/grpc/server.go). Methods
/// not listed here answer Unimplemented (ASP.NET Core gRPC's default for unknown methods).
/// </summary>
public static class WorkflowsApi
{
    public const string ServiceName = "TaskHubSidecarService";

    public static void Map(DaprGrpcMethods methods, WorkflowsFeature feature)
    {
        WorkflowEngine Engine(ServerCallContext call) =>
            feature.EngineFor(call.GetHttpContext().RequestServices.GetRequiredService<Sidecar>().AppId);

        methods
            .Unary<Empty, Empty>(ServiceName, "Hello", (_, _) => Task.FromResult(new Empty()))
            .Unary<CreateInstanceRequest, CreateInstanceResponse>(ServiceName, "StartInstance", (request, call) => Guarded(call, async token =>
                new CreateInstanceResponse { InstanceId = await Engine(call).StartAsync(request, token) }))
            .Unary<GetInstanceRequest, GetInstanceResponse>(ServiceName, "GetInstance", (request, call) => Guarded(call, async token =>
                await Engine(call).GetStateAsync(request.InstanceId, request.GetInputsAndOutputs, token) is { } state
                    ? new GetInstanceResponse { Exists = true, WorkflowState = state }
                    : new GetInstanceResponse { Exists = false }))
            .Unary<GetInstanceRequest, GetInstanceResponse>(ServiceName, "WaitForInstanceStart", (request, call) => Guarded(call, async token =>
                new GetInstanceResponse
                {
                    Exists = true,
                    WorkflowState = await Engine(call).WaitAsync(request.InstanceId, s => s != OrchestrationStatus.Pending, request.GetInputsAndOutputs, token),
                }))
            .Unary<GetInstanceRequest, GetInstanceResponse>(ServiceName, "WaitForInstanceCompletion", (request, call) => Guarded(call, async token =>
                new GetInstanceResponse
                {
                    Exists = true,
                    WorkflowState = await Engine(call).WaitAsync(request.InstanceId, WorkflowInstance.IsTerminalStatus, request.GetInputsAndOutputs, token),
                }))
            .Unary<RaiseEventRequest, RaiseEventResponse>(ServiceName, "RaiseEvent", (request, call) => Guarded(call, async token =>
            {
                await Engine(call).RaiseEventAsync(request.InstanceId, request.Name, request.Input, token);
                return new RaiseEventResponse();
            }))
            .Unary<TerminateRequest, TerminateResponse>(ServiceName, "TerminateInstance", (request, call) => Guarded(call, async token =>
            {
                await Engine(call).TerminateAsync(request.InstanceId, request.Output, request.Recursive, token);
                return new TerminateResponse();
            }))
            .Unary<SuspendRequest, SuspendResponse>(ServiceName, "SuspendInstance", (request, call) => Guarded(call, async token =>
            {
                await Engine(call).SuspendAsync(request.InstanceId, request.Reason, token);
                return new SuspendResponse();
            }))
            .Unary<ResumeRequest, ResumeResponse>(ServiceName, "ResumeInstance", (request, call) => Guarded(call, async token =>
            {
                await Engine(call).ResumeAsync(request.InstanceId, request.Reason, token);
                return new ResumeResponse();
            }))
            .Unary<PurgeInstancesRequest, PurgeInstancesResponse>(ServiceName, "PurgeInstances", (request, call) => Guarded(call, async token =>
            {
                // durabletask-go serves the single-instance form only (executor.go PurgeInstances).
                if (request.RequestCase != PurgeInstancesRequest.RequestOneofCase.InstanceId)
                {
                    throw new RpcException(new Status(StatusCode.Unknown, "multi-instance purge is not implemented"));
                }

                var deleted = await Engine(call).PurgeAsync(request.InstanceId, request.Recursive, request.Force, token);
                return new PurgeInstancesResponse { DeletedInstanceCount = deleted };
            }))
            .Unary<GetInstanceHistoryRequest, GetInstanceHistoryResponse>(ServiceName, "GetInstanceHistory", (request, call) => Guarded(call, async token =>
            {
                var events = await Engine(call).HistoryAsync(request.InstanceId, token)
                    ?? throw new RpcException(new Status(StatusCode.NotFound, $"workflow instance '{request.InstanceId}' not found"));
                var response = new GetInstanceHistoryResponse();
                response.Events.AddRange(events);
                return response;
            }))
            .ServerStreaming<GetWorkItemsRequest, WorkItem>(ServiceName, "GetWorkItems", (_, stream, call) => Guarded(call, async token =>
            {
                await Engine(call).Dispatcher.ServeAsync(stream, token);
                return true;
            }))
            // Dapr.Workflow 1.19 calls the deprecated name; newer SDKs the new one. Same message, same meaning.
            .Unary<WorkflowResponse, CompleteTaskResponse>(ServiceName, "CompleteOrchestratorTask", (response, call) => CompleteTurn(Engine(call), response, call))
            .Unary<WorkflowResponse, CompleteTaskResponse>(ServiceName, "CompleteWorkflowTask", (response, call) => CompleteTurn(Engine(call), response, call))
            .Unary<ActivityResponse, CompleteTaskResponse>(ServiceName, "CompleteActivityTask", (response, call) => Guarded(call, async token =>
            {
                await Engine(call).CompleteActivityAsync(response, token);
                return new CompleteTaskResponse();
            }));
    }

    private static Task<CompleteTaskResponse> CompleteTurn(WorkflowEngine engine, WorkflowResponse response, ServerCallContext call) =>
        Guarded(call, async token =>
        {
            await engine.CompleteTurnAsync(response, token);
            return new CompleteTaskResponse();
        });

    /// <summary>
    /// Runs a handler with a token that also ends when the sidecar stops (long waits and work-item streams must
    /// not hold its shutdown), and maps a missing actor state store to daprd's error.
    /// </summary>
    private static async Task<T> Guarded<T>(ServerCallContext call, Func<CancellationToken, Task<T>> handler)
    {
        var stopping = call.GetHttpContext().RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(call.CancellationToken, stopping);
        try
        {
            return await handler(linked.Token);
        }
        catch (ActorStateStoreMissingException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the sidecar is stopping"));
        }
    }
}
