using System.Globalization;
using Dapr.Client.Autogen.Grpc.v1;
using DaprOrders.LocalDapr.Grpc;
using DaprOrders.LocalDapr.Sidecars;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace DaprOrders.LocalDapr.State;

/// The state API over gRPC (what DaprClient uses) and HTTP (`/v1.0/state/...`, see <see cref="StateHttpApi"/>),
/// with daprd's status codes (pkg/api/grpc/grpc.go, pkg/messages/predefined.go).
public sealed class StateFeature(StateStores stores) : ISidecarFeature
{
    public StateStores Stores { get; } = stores;

    public void MapHttp(IEndpointRouteBuilder endpoints) => StateHttpApi.Map(endpoints, this);

    public void MapGrpc(DaprGrpcMethods methods) => methods
        .Unary<GetStateRequest, GetStateResponse>("GetState", GetStateAsync)
        .Unary<GetBulkStateRequest, GetBulkStateResponse>("GetBulkState", GetBulkStateAsync)
        .Unary<SaveStateRequest, Empty>("SaveState", SaveStateAsync)
        .Unary<DeleteStateRequest, Empty>("DeleteState", DeleteStateAsync)
        .Unary<DeleteBulkStateRequest, Empty>("DeleteBulkState", DeleteBulkStateAsync)
        .Unary<ExecuteStateTransactionRequest, Empty>("ExecuteStateTransaction", ExecuteStateTransactionAsync);

    public Task AppReadyAsync(Sidecar sidecar, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task AppStoppedAsync(Sidecar sidecar, CancellationToken cancellationToken) => Task.CompletedTask;

    /// The store as the calling app sees it; gRPC errors as daprd reports them.
    internal InMemoryStateStore StoreFor(string name, Sidecar sidecar)
    {
        if (!Stores.Any)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "state store is not configured"));
        }

        return Stores.Find(name, sidecar.AppId)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"state store {name} is not found"));
    }

    internal static string Key(InMemoryStateStore store, Sidecar sidecar, string key)
    {
        try
        {
            return StateKeys.ForApp(store, sidecar.AppId, key);
        }
        catch (ArgumentException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
    }

    internal static int? TtlSeconds(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue("ttlInSeconds", out var ttl)
            ? int.TryParse(ttl, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? seconds
                : throw new ArgumentException($"ttlInSeconds '{ttl}' is not an integer")
            : null;

    internal static string? TtlExpireTime(StoredState state) =>
        state.ExpiresAt?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static Sidecar SidecarOf(ServerCallContext call) => call.GetHttpContext().RequestServices.GetRequiredService<Sidecar>();

    private Task<GetStateResponse> GetStateAsync(GetStateRequest request, ServerCallContext call)
    {
        var sidecar = SidecarOf(call);
        var store = StoreFor(request.StoreName, sidecar);
        return Task.FromResult(ToResponse(store.Get(Key(store, sidecar, request.Key))));
    }

    private static GetStateResponse ToResponse(StoredState? state)
    {
        var response = new GetStateResponse();
        if (state is not null)
        {
            response.Data = ByteString.CopyFrom(state.Value.Span);
            response.Etag = state.ETag;
            if (TtlExpireTime(state) is { } expires)
            {
                response.Metadata["ttlExpireTime"] = expires;
            }
        }

        return response;
    }

    private Task<GetBulkStateResponse> GetBulkStateAsync(GetBulkStateRequest request, ServerCallContext call)
    {
        var sidecar = SidecarOf(call);
        var store = StoreFor(request.StoreName, sidecar);
        var response = new GetBulkStateResponse();
        foreach (var key in request.Keys)
        {
            var item = new BulkStateItem { Key = key };
            if (store.Get(Key(store, sidecar, key)) is { } state)
            {
                item.Data = ByteString.CopyFrom(state.Value.Span);
                item.Etag = state.ETag;
            }

            response.Items.Add(item);
        }

        return Task.FromResult(response);
    }

    private Task<Empty> SaveStateAsync(SaveStateRequest request, ServerCallContext call)
    {
        var sidecar = SidecarOf(call);
        var store = StoreFor(request.StoreName, sidecar);
        var operations = request.States.Select(item => Upsert(store, sidecar, item)).ToList();
        Apply(store, operations, $"failed saving state in state store {store.Component.Name}");
        return Task.FromResult(new Empty());
    }

    private Task<Empty> DeleteStateAsync(DeleteStateRequest request, ServerCallContext call)
    {
        var sidecar = SidecarOf(call);
        var store = StoreFor(request.StoreName, sidecar);
        var operation = new StateDelete(Key(store, sidecar, request.Key), request.Etag?.Value, IsFirstWrite(request.Options));
        Apply(store, [operation], $"failed deleting state with key {request.Key}");
        return Task.FromResult(new Empty());
    }

    private Task<Empty> DeleteBulkStateAsync(DeleteBulkStateRequest request, ServerCallContext call)
    {
        var sidecar = SidecarOf(call);
        var store = StoreFor(request.StoreName, sidecar);
        var operations = request.States
            .Select(item => (StateOperation)new StateDelete(Key(store, sidecar, item.Key), item.Etag?.Value, IsFirstWrite(item.Options)))
            .ToList();
        Apply(store, operations, "failed deleting state");
        return Task.FromResult(new Empty());
    }

    private Task<Empty> ExecuteStateTransactionAsync(ExecuteStateTransactionRequest request, ServerCallContext call)
    {
        var sidecar = SidecarOf(call);
        var store = StoreFor(request.StoreName, sidecar);
        var operations = new List<StateOperation>();
        foreach (var operation in request.Operations)
        {
            var item = operation.Request ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "transaction operation without request"));
            operations.Add(operation.OperationType switch
            {
                "upsert" => Upsert(store, sidecar, item),
                "delete" => new StateDelete(Key(store, sidecar, item.Key), item.Etag?.Value, IsFirstWrite(item.Options)),
                var other => throw new RpcException(new Status(StatusCode.Unimplemented, $"operation type {other} not supported")),
            });
        }

        try
        {
            store.Apply(operations);
        }
        catch (StateETagMismatchException e)
        {
            // daprd reports every failed transaction as Internal, ETag conflicts included.
            throw new RpcException(new Status(StatusCode.Internal, $"error while executing state transaction: {e.Message}"));
        }

        return Task.FromResult(new Empty());
    }

    private static StateUpsert Upsert(InMemoryStateStore store, Sidecar sidecar, StateItem item)
    {
        if (string.IsNullOrEmpty(item.Key))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "state key cannot be empty"));
        }

        int? ttl;
        try
        {
            ttl = TtlSeconds(item.Metadata);
        }
        catch (ArgumentException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }

        return new StateUpsert(Key(store, sidecar, item.Key), item.Value.ToByteArray(), item.Etag?.Value, IsFirstWrite(item.Options), ttl);
    }

    private static bool IsFirstWrite(StateOptions? options) =>
        options?.Concurrency == StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite;

    /// SaveState/DeleteState: an ETag mismatch is Aborted (the SDK's Try* methods then return false).
    private static void Apply(InMemoryStateStore store, IReadOnlyList<StateOperation> operations, string context)
    {
        try
        {
            store.Apply(operations);
        }
        catch (StateETagMismatchException e)
        {
            throw new RpcException(new Status(StatusCode.Aborted, $"{context}: {e.Message}"));
        }
    }
}
