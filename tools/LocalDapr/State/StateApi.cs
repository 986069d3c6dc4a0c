using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapr.Client.Autogen.Grpc.v1;
using DaprOrders.LocalDapr.Grpc;
using DaprOrders.LocalDapr.Sidecars;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace DaprOrders.LocalDapr.State;

/// <summary>
/// The state API, gRPC (what DaprClient uses) and HTTP, with daprd's status codes (pkg/api/grpc/grpc.go,
/// pkg/messages/predefined.go). `/v1.0/state/...` as daprd serves it (pkg/api/http/http.go; docs
/// reference/api/state_api.md): values are JSON, stored as their JSON text; errors are `{"errorCode","message"}`
/// with daprd's statuses.
/// </summary>
public static class StateApi
{
    public static void MapHttp(IEndpointRouteBuilder endpoints, StateFeature feature)
    {
        var state = endpoints.MapGroup("/v1.0/state/{storeName}");

        state.MapGet("/{key}", (string storeName, string key, HttpContext context) => Handle(context, sidecar =>
        {
            var store = feature.StoreFor(storeName, sidecar);
            if (store.Get(StateFeature.Key(store, sidecar, key)) is not { } found)
            {
                return Results.NoContent();
            }

            context.Response.Headers.ETag = found.ETag;
            if (StateFeature.TtlExpireTime(found) is { } expires)
            {
                context.Response.Headers["metadata.ttlExpireTime"] = expires;
            }

            return Results.Bytes(found.Value.ToArray(), "application/json");
        }));

        state.MapMethods("", [HttpMethods.Post, HttpMethods.Put], async (string storeName, HttpContext context) =>
        {
            var items = await ReadAsync<List<HttpStateItem>>(context);
            return Handle(context, sidecar =>
            {
                var store = feature.StoreFor(storeName, sidecar);
                var operations = items?.Select(i => Upsert(store, sidecar, i)).ToList() ?? throw Malformed("a JSON array of state items");
                return Apply(store, operations, "ERR_STATE_SAVE", $"failed saving state in state store {storeName}");
            });
        });

        state.MapDelete("/{key}", (string storeName, string key, HttpContext context) => Handle(context, sidecar =>
        {
            var store = feature.StoreFor(storeName, sidecar);
            var etag = context.Request.Headers.IfMatch.ToString();
            var firstWrite = context.Request.Query["concurrency"] == "first-write";
            var operation = new StateDelete(StateFeature.Key(store, sidecar, key), etag.Length > 0 ? etag : null, firstWrite);
            return Apply(store, [operation], "ERR_STATE_DELETE", $"failed deleting state with key {key}");
        }));

        state.MapMethods("/bulk", [HttpMethods.Post, HttpMethods.Put], async (string storeName, HttpContext context) =>
        {
            var request = await ReadAsync<HttpBulkRequest>(context);
            return Handle(context, sidecar =>
            {
                var store = feature.StoreFor(storeName, sidecar);
                var keys = request?.Keys ?? throw Malformed("{\"keys\": [...]}");
                var items = keys.Select(key =>
                {
                    var found = store.Get(StateFeature.Key(store, sidecar, key));
                    return new HttpBulkItem(key, found is null ? null : AsJson(found.Value), found?.ETag);
                }).ToList();
                return Results.Json(items, SidecarApi.JsonOptions);
            });
        });

        state.MapMethods("/transaction", [HttpMethods.Post, HttpMethods.Put], async (string storeName, HttpContext context) =>
        {
            var request = await ReadAsync<HttpTransaction>(context);
            return Handle(context, sidecar =>
            {
                var store = feature.StoreFor(storeName, sidecar);
                var operations = (request?.Operations ?? throw Malformed("{\"operations\": [...]}")).Select(op =>
                {
                    var item = op.Request ?? throw Malformed("an operation's request");
                    return op.Operation switch
                    {
                        "upsert" => (StateOperation)Upsert(store, sidecar, item),
                        "delete" => new StateDelete(StateFeature.Key(store, sidecar, item.Key ?? ""), item.Etag, IsFirstWrite(item)),
                        var other => throw new BadRequestException("ERR_NOT_SUPPORTED_STATE_OPERATION", $"operation type {other} not supported"),
                    };
                }).ToList();
                try
                {
                    store.Apply(operations);
                    return Results.NoContent();
                }
                catch (StateETagMismatchException e)
                {
                    // Every failed transaction is a 500, ETag conflicts included.
                    return SidecarApi.Error(500, "ERR_STATE_TRANSACTION", $"error while executing state transaction: {e.Message}");
                }
            });
        });
    }

    public static void MapGrpc(DaprGrpcMethods methods, StateFeature feature) => methods
        .Unary<GetStateRequest, GetStateResponse>("GetState", (request, call) => GetStateAsync(feature, request, call))
        .Unary<GetBulkStateRequest, GetBulkStateResponse>("GetBulkState", (request, call) => GetBulkStateAsync(feature, request, call))
        .Unary<SaveStateRequest, Empty>("SaveState", (request, call) => SaveStateAsync(feature, request, call))
        .Unary<DeleteStateRequest, Empty>("DeleteState", (request, call) => DeleteStateAsync(feature, request, call))
        .Unary<DeleteBulkStateRequest, Empty>("DeleteBulkState", (request, call) => DeleteBulkStateAsync(feature, request, call))
        .Unary<ExecuteStateTransactionRequest, Empty>("ExecuteStateTransaction", (request, call) => ExecuteStateTransactionAsync(feature, request, call));

    private static Sidecar SidecarOf(ServerCallContext call) => call.GetHttpContext().RequestServices.GetRequiredService<Sidecar>();

    private static Task<GetStateResponse> GetStateAsync(StateFeature feature, GetStateRequest request, ServerCallContext call)
    {
        var sidecar = SidecarOf(call);
        var store = feature.StoreFor(request.StoreName, sidecar);
        return Task.FromResult(ToResponse(store.Get(StateFeature.Key(store, sidecar, request.Key))));
    }

    private static GetStateResponse ToResponse(StoredState? state)
    {
        var response = new GetStateResponse();
        if (state is not null)
        {
            response.Data = ByteString.CopyFrom(state.Value.Span);
            response.Etag = state.ETag;
            if (StateFeature.TtlExpireTime(state) is { } expires)
            {
                response.Metadata["ttlExpireTime"] = expires;
            }
        }

        return response;
    }

    private static Task<GetBulkStateResponse> GetBulkStateAsync(StateFeature feature, GetBulkStateRequest request, ServerCallContext call)
    {
        var sidecar = SidecarOf(call);
        var store = feature.StoreFor(request.StoreName, sidecar);
        var response = new GetBulkStateResponse();
        foreach (var key in request.Keys)
        {
            var item = new BulkStateItem { Key = key };
            if (store.Get(StateFeature.Key(store, sidecar, key)) is { } state)
            {
                item.Data = ByteString.CopyFrom(state.Value.Span);
                item.Etag = state.ETag;
            }

            response.Items.Add(item);
        }

        return Task.FromResult(response);
    }

    private static Task<Empty> SaveStateAsync(StateFeature feature, SaveStateRequest request, ServerCallContext call)
    {
        var sidecar = SidecarOf(call);
        var store = feature.StoreFor(request.StoreName, sidecar);
        var operations = request.States.Select(item => Upsert(store, sidecar, item)).ToList();
        Apply(store, operations, $"failed saving state in state store {store.Component.Name}");
        return Task.FromResult(new Empty());
    }

    private static Task<Empty> DeleteStateAsync(StateFeature feature, DeleteStateRequest request, ServerCallContext call)
    {
        var sidecar = SidecarOf(call);
        var store = feature.StoreFor(request.StoreName, sidecar);
        var operation = new StateDelete(StateFeature.Key(store, sidecar, request.Key), request.Etag?.Value, IsFirstWrite(request.Options));
        Apply(store, [operation], $"failed deleting state with key {request.Key}");
        return Task.FromResult(new Empty());
    }

    private static Task<Empty> DeleteBulkStateAsync(StateFeature feature, DeleteBulkStateRequest request, ServerCallContext call)
    {
        var sidecar = SidecarOf(call);
        var store = feature.StoreFor(request.StoreName, sidecar);
        var operations = request.States
            .Select(item => (StateOperation)new StateDelete(StateFeature.Key(store, sidecar, item.Key), item.Etag?.Value, IsFirstWrite(item.Options)))
            .ToList();
        Apply(store, operations, "failed deleting state");
        return Task.FromResult(new Empty());
    }

    private static Task<Empty> ExecuteStateTransactionAsync(StateFeature feature, ExecuteStateTransactionRequest request, ServerCallContext call)
    {
        var sidecar = SidecarOf(call);
        var store = feature.StoreFor(request.StoreName, sidecar);
        var operations = new List<StateOperation>();
        foreach (var operation in request.Operations)
        {
            var item = operation.Request ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "transaction operation without request"));
            operations.Add(operation.OperationType switch
            {
                "upsert" => Upsert(store, sidecar, item),
                "delete" => new StateDelete(StateFeature.Key(store, sidecar, item.Key), item.Etag?.Value, IsFirstWrite(item.Options)),
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
            ttl = StateFeature.TtlSeconds(item.Metadata);
        }
        catch (ArgumentException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }

        return new StateUpsert(StateFeature.Key(store, sidecar, item.Key), item.Value.ToByteArray(), item.Etag?.Value, IsFirstWrite(item.Options), ttl);
    }

    private static bool IsFirstWrite(StateOptions? options) =>
        options?.Concurrency == StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite;

    /// <summary>
    /// SaveState/DeleteState: an ETag mismatch is Aborted (the SDK's Try* methods then return false).
    /// </summary>
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

    /// <summary>
    /// The stored bytes as JSON when they are JSON (all HTTP writes and the SDK's), else as a JSON string.
    /// </summary>
    private static JsonNode? AsJson(ReadOnlyMemory<byte> value)
    {
        try
        {
            return JsonNode.Parse(value.Span);
        }
        catch (JsonException)
        {
            return JsonValue.Create(Encoding.UTF8.GetString(value.Span));
        }
    }

    private static StateUpsert Upsert(InMemoryStateStore store, Sidecar sidecar, HttpStateItem item)
    {
        if (string.IsNullOrEmpty(item.Key))
        {
            throw new BadRequestException("ERR_MALFORMED_REQUEST", "state key cannot be empty");
        }

        int? ttl;
        try
        {
            ttl = StateFeature.TtlSeconds(item.Metadata);
        }
        catch (ArgumentException e)
        {
            throw new BadRequestException("ERR_MALFORMED_REQUEST", e.Message);
        }

        var value = item.Value is { } json ? JsonSerializer.SerializeToUtf8Bytes(json) : Encoding.UTF8.GetBytes("null");
        return new StateUpsert(StateFeature.Key(store, sidecar, item.Key), value, item.Etag, IsFirstWrite(item), ttl);
    }

    private static bool IsFirstWrite(HttpStateItem item) => item.Options?.Concurrency == "first-write";

    private static IResult Apply(InMemoryStateStore store, IReadOnlyList<StateOperation> operations, string errorCode, string context)
    {
        try
        {
            store.Apply(operations);
            return Results.NoContent();
        }
        catch (StateETagMismatchException e)
        {
            return SidecarApi.Error(409, errorCode, $"{context}: {e.Message}");
        }
    }

    /// <summary>
    /// Runs a handler for the calling sidecar, turning the shared gRPC-style errors into daprd's HTTP answers.
    /// </summary>
    private static IResult Handle(HttpContext context, Func<Sidecar, IResult> handler)
    {
        try
        {
            return handler(context.RequestServices.GetRequiredService<Sidecar>());
        }
        catch (BadRequestException e)
        {
            return SidecarApi.Error(400, e.ErrorCode, e.Message);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument && e.Status.Detail.StartsWith("state store", StringComparison.Ordinal))
        {
            return SidecarApi.Error(400, "ERR_STATE_STORE_NOT_FOUND", e.Status.Detail);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            return SidecarApi.Error(400, "ERR_MALFORMED_REQUEST", e.Status.Detail);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
        {
            return SidecarApi.Error(500, "ERR_STATE_STORE_NOT_CONFIGURED", e.Status.Detail);
        }
    }

    private static async Task<T?> ReadAsync<T>(HttpContext context) where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(context.Request.Body, SidecarApi.JsonOptions, context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static BadRequestException Malformed(string expected) => new("ERR_MALFORMED_REQUEST", $"the body must be {expected}");

    private sealed class BadRequestException(string errorCode, string message) : Exception(message)
    {
        public string ErrorCode { get; } = errorCode;
    }

    private sealed record HttpStateItem(string? Key, JsonElement? Value, string? Etag, Dictionary<string, string>? Metadata, HttpStateOptions? Options);

    private sealed record HttpStateOptions(string? Concurrency, string? Consistency);

    private sealed record HttpBulkRequest(List<string>? Keys, int? Parallelism);

    private sealed record HttpBulkItem(string Key, JsonNode? Data, string? Etag);

    private sealed record HttpTransaction(List<HttpTransactionOperation>? Operations, Dictionary<string, string>? Metadata);

    private sealed record HttpTransactionOperation(string? Operation, HttpStateItem? Request);
}
