using Grpc.Core;

namespace DaprOrders.Orders.Validation;

/// <summary>
/// The two refusals of the workflow engine that are answers, not failures. The SDK passes the sidecar's
/// <see cref="RpcException"/> through unchanged (DaprWorkflowClient.ScheduleNewWorkflowAsync and RaiseEventAsync).
/// The local runtime answers with the gRPC codes; daprd returns the engine's plain errors, which reach the client as
/// their text, so both are recognised.
/// </summary>
internal static class WorkflowErrors
{
    /// <summary>
    /// A start for an instance id that is still running: "an active workflow with ID '…' already exists" (dapr
    /// pkg/actors/targets/workflow/orchestrator/create.go); AlreadyExists on the local runtime.
    /// </summary>
    public static bool IsAlreadyRunning(RpcException exception) =>
        exception.StatusCode == StatusCode.AlreadyExists
        || exception.Status.Detail.Contains("an active workflow with ID", StringComparison.Ordinal);

    /// <summary>
    /// An event for an instance that does not exist (never started, or purged): "no such instance exists"
    /// (durabletask-go api.ErrInstanceNotFound, returned by dapr's orchestrator/add.go); NotFound on the local runtime.
    /// </summary>
    public static bool IsNoSuchInstance(RpcException exception) =>
        exception.StatusCode == StatusCode.NotFound
        || exception.Status.Detail.Contains("no such instance exists", StringComparison.Ordinal);
}
