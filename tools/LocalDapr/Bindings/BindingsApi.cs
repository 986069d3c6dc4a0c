using System.Text;
using System.Text.Json;
using Dapr.Client.Autogen.Grpc.v1;
using DaprOrders.LocalDapr.Grpc;
using DaprOrders.LocalDapr.Sidecars;
using Grpc.Core;

namespace DaprOrders.LocalDapr.Bindings;

/// <summary>
/// Output bindings: gRPC `InvokeBinding` and HTTP `POST|PUT /v1.0/bindings/{name}` (docs reference/api/bindings_api.md).
/// Every failure, an unknown binding included, is gRPC Internal / HTTP 500 `ERR_INVOKE_OUTPUT_BINDING` as in daprd.
/// </summary>
public static class BindingsApi
{
    public static void MapHttp(IEndpointRouteBuilder endpoints, BindingsFeature feature) =>
        endpoints.MapMethods("/v1.0/bindings/{name}", [HttpMethods.Post, HttpMethods.Put], async (string name, HttpContext context, Sidecar sidecar) =>
        {
            HttpBindingRequest? request;
            try
            {
                request = await JsonSerializer.DeserializeAsync<HttpBindingRequest>(context.Request.Body, SidecarApi.JsonOptions, context.RequestAborted);
            }
            catch (JsonException e)
            {
                return SidecarApi.Error(400, "ERR_MALFORMED_REQUEST", e.Message);
            }

            // daprd json.Marshals `data`: the binding gets its JSON text, a string included (with its quotes).
            var data = request?.Data is { } json ? JsonSerializer.SerializeToUtf8Bytes(json) : Encoding.UTF8.GetBytes("null");
            try
            {
                await feature.InvokeAsync(sidecar, name, request?.Operation ?? "", data, request?.Metadata ?? [], context.RequestAborted);
                return Results.NoContent();
            }
            catch (BindingException e)
            {
                return SidecarApi.Error(500, "ERR_INVOKE_OUTPUT_BINDING", e.Message);
            }
        });

    public static void MapGrpc(DaprGrpcMethods methods, BindingsFeature feature) =>
        methods.Unary<InvokeBindingRequest, InvokeBindingResponse>("InvokeBinding", async (request, call) =>
        {
            var sidecar = call.GetHttpContext().RequestServices.GetRequiredService<Sidecar>();
            try
            {
                await feature.InvokeAsync(sidecar, request.Name, request.Operation, request.Data.Memory, request.Metadata, call.CancellationToken);
                return new InvokeBindingResponse();
            }
            catch (BindingException e)
            {
                throw new RpcException(new Status(StatusCode.Internal, e.Message));
            }
        });

    private sealed record HttpBindingRequest(JsonElement? Data, Dictionary<string, string>? Metadata, string? Operation);
}
