using System.Text.Json;
using DaprOrders.LocalDapr.Components;

namespace DaprOrders.LocalDapr.Hosting;

/// Health and metadata routes of every sidecar (daprd pkg/api/http/healthz.go, metadata.go).
public static class SidecarApi
{
    public static void Map(IEndpointRouteBuilder endpoints, RuntimeResources resources, IReadOnlyList<ISidecarFeature> features)
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
                    protocol = "http",
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

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// daprd's error body: `{"errorCode","message"}`.
    public static IResult Error(int status, string errorCode, string message) =>
        Results.Json(new DaprError(errorCode, message), JsonOptions, statusCode: status);
}

public sealed record DaprError(string ErrorCode, string Message);
