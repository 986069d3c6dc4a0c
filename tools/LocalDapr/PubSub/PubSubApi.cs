using Dapr.Client.Autogen.Grpc.v1;
using DaprOrders.LocalDapr.Grpc;
using DaprOrders.LocalDapr.Sidecars;
using DaprOrders.LocalDapr.Telemetry;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace DaprOrders.LocalDapr.PubSub;

/// <summary>
/// The publish API: gRPC `PublishEvent` (what DaprClient uses) and HTTP `POST|PUT /v1.0/publish/{pubsub}/{topic}`
/// with `?metadata.{key}={value}`, with daprd's status codes (pkg/api/grpc/grpc.go, pkg/api/http/http.go onPublish).
/// </summary>
public static class PubSubApi
{
    private const string MetadataPrefix = "metadata.";

    public static void MapHttp(IEndpointRouteBuilder endpoints, PubSubFeature feature)
    {
        async Task<IResult> Publish(string pubsubname, string? topic, HttpRequest request, Sidecar sidecar, CancellationToken cancellationToken)
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, cancellationToken);
            var metadata = request.Query
                .Where(q => q.Key.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase))
                .ToDictionary(q => q.Key[MetadataPrefix.Length..], q => q.Value.ToString(), StringComparer.Ordinal);
            var (traceParent, traceState) = TraceHeaders.Outgoing(request.Headers.TraceParent.FirstOrDefault(), request.Headers.TraceState.FirstOrDefault());
            var input = new PublishInput(pubsubname, topic ?? "", body.ToArray(), request.ContentType, metadata, traceParent, traceState);
            try
            {
                await feature.PublishAsync(sidecar.AppId, input, cancellationToken);
                return Results.NoContent();
            }
            catch (PublishException e)
            {
                var status = e.Error switch
                {
                    PublishError.NotFound or PublishError.EmptyTopic => StatusCodes.Status404NotFound,
                    PublishError.NotConfigured or PublishError.BadRequest => StatusCodes.Status400BadRequest,
                    PublishError.Forbidden => StatusCodes.Status403Forbidden,
                    _ => StatusCodes.Status500InternalServerError,
                };
                return SidecarApi.Error(status, e.ErrorCode, e.Message);
            }
        }

        endpoints.MapMethods("/v1.0/publish/{pubsubname}/{**topic}", ["POST", "PUT"], Publish);
    }

    public static void MapGrpc(DaprGrpcMethods methods, PubSubFeature feature) =>
        methods.Unary<PublishEventRequest, Empty>("PublishEvent", async (request, call) =>
        {
            var sidecar = call.GetHttpContext().RequestServices.GetRequiredService<Sidecar>();
            // The API call's span, child of the caller's context, is the published event's parent (grpc.go PublishEvent).
            var (traceParent, traceState) = TraceHeaders.Outgoing(call.RequestHeaders.GetValue("traceparent"), call.RequestHeaders.GetValue("tracestate"));
            var input = new PublishInput(
                request.PubsubName, request.Topic, request.Data.Memory, request.DataContentType,
                new Dictionary<string, string>(request.Metadata, StringComparer.Ordinal), traceParent, traceState);
            try
            {
                await feature.PublishAsync(sidecar.AppId, input, call.CancellationToken);
                return new Empty();
            }
            catch (PublishException e)
            {
                var code = e.Error switch
                {
                    PublishError.NotConfigured => StatusCode.FailedPrecondition,
                    PublishError.NotFound or PublishError.EmptyTopic or PublishError.BadRequest => StatusCode.InvalidArgument,
                    PublishError.Forbidden => StatusCode.PermissionDenied,
                    _ => StatusCode.Internal,
                };
                throw new RpcException(new Status(code, e.Message));
            }
        });
}
