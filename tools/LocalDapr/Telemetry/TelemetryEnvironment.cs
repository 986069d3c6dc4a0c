using DaprOrders.LocalDapr.Runtime;

namespace DaprOrders.LocalDapr.Telemetry;

/// <summary>
/// The standard OpenTelemetry variables an app gets when the runtime has a collector: the apps know nothing of
/// localdapr, they export wherever OTEL_EXPORTER_OTLP_ENDPOINT says, as on a cluster.
/// </summary>
public static class TelemetryEnvironment
{
    public static IReadOnlyDictionary<string, string> For(AppSpec spec, Uri? otlpEndpoint)
    {
        if (otlpEndpoint is null || spec.Command.Count == 0)
        {
            return spec.Env;
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
            ["OTEL_SERVICE_NAME"] = spec.AppId,
            // Every instance its own: the dashboard tells the instances of a scaled-out app apart.
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={spec.AppId}-{Guid.NewGuid().ToString("N")[..8]}",
        };
        foreach (var (key, value) in spec.Env)
        {
            env[key] = value;
        }

        return env;
    }
}
