using System.Text.Json;
using Dapr.Client.Autogen.Grpc.v1;
using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Grpc;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace DaprOrders.LocalDapr.Sidecars;

/// <summary>
/// The sidecar's own API, health and metadata, over HTTP (daprd pkg/api/http/healthz.go, metadata.go) and gRPC
/// (`GetMetadata`, `SetMetadata`).
/// </summary>
public static class SidecarApi
{
    public static void MapHttp(IEndpointRouteBuilder endpoints, RuntimeResources resources, IReadOnlyList<ISidecarFeature> features)
    {
        // 204 once components and the app channel are ready; the app is "ready" when it answered on its port.
        endpoints.MapGet("/v1.0/healthz", (HttpContext context, Sidecar sidecar, SidecarStatus status, string? appid) =>
        {
            if (appid is not null && !string.Equals(appid, sidecar.AppId, StringComparison.Ordinal))
            {
                return Error(500, "ERR_HEALTH_APPID_NOT_MATCH", "dapr app-id does not match");
            }

            return status.AppReady || sidecar.Instance.AppPort is null
                ? Results.NoContent()
                : Error(500, "ERR_HEALTH_NOT_READY", "dapr is not ready");
        });

        // Outbound health: the APIs and components are up, which they are as soon as the sidecar listens.
        endpoints.MapGet("/v1.0/healthz/outbound", () => Results.NoContent());

        endpoints.MapGet("/v1.0/metadata", (Sidecar sidecar, SidecarStatus status) =>
        {
            var metadata = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["id"] = sidecar.AppId,
                ["runtimeVersion"] = "localdapr",
                ["enabledFeatures"] = Array.Empty<string>(),
                ["components"] = resources.Components
                    .Where(c => c.IsVisibleTo(sidecar.AppId))
                    .Select(c => new { name = c.Name, type = c.Type, version = c.Version, capabilities = Array.Empty<string>() })
                    .ToList(),
                ["extended"] = new SortedDictionary<string, string>(status.Extended, StringComparer.Ordinal),
                ["appConnectionProperties"] = new
                {
                    port = sidecar.Instance.AppPort,
                    protocol = sidecar.Instance.AppProtocol,
                    channelAddress = "127.0.0.1",
                },
            };

            foreach (var source in features.OfType<ISidecarMetadataSource>())
            {
                foreach (var (key, value) in source.Metadata(sidecar))
                {
                    metadata[key] = value;
                }
            }

            return Results.Json(metadata, JsonOptions);
        });

        endpoints.MapPut("/v1.0/metadata/{key}", async (string key, HttpRequest request, SidecarStatus status, CancellationToken cancellationToken) =>
        {
            using var reader = new StreamReader(request.Body);
            status.Extended[key] = await reader.ReadToEndAsync(cancellationToken);
            return Results.NoContent();
        });
    }

    /// <summary>
    /// The gRPC side: `GetMetadata` (DaprClient.GetMetadataAsync) and `SetMetadata`.
    /// </summary>
    public static void MapGrpc(DaprGrpcMethods methods, RuntimeResources resources) => methods
        .Unary<GetMetadataRequest, GetMetadataResponse>("GetMetadata", (_, call) =>
        {
            var services = call.GetHttpContext().RequestServices;
            var sidecar = services.GetRequiredService<Sidecar>();
            var response = new GetMetadataResponse { Id = sidecar.AppId, RuntimeVersion = "localdapr" };
            foreach (var component in resources.Components.Where(c => c.IsVisibleTo(sidecar.AppId)))
            {
                response.RegisteredComponents.Add(new RegisteredComponents { Name = component.Name, Type = component.Type, Version = component.Version });
            }

            foreach (var (key, value) in services.GetRequiredService<SidecarStatus>().Extended)
            {
                response.ExtendedMetadata[key] = value;
            }

            return Task.FromResult(response);
        })
        .Unary<SetMetadataRequest, Empty>("SetMetadata", (request, call) =>
        {
            call.GetHttpContext().RequestServices.GetRequiredService<SidecarStatus>().Extended[request.Key] = request.Value;
            return Task.FromResult(new Empty());
        });

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// daprd's error body: `{"errorCode","message"}`.
    /// </summary>
    public static IResult Error(int status, string errorCode, string message) =>
        Results.Json(new DaprError(errorCode, message), JsonOptions, statusCode: status);
}

public sealed record DaprError(string ErrorCode, string Message);
