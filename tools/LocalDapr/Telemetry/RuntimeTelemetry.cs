using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DaprOrders.LocalDapr.Telemetry;

/// <summary>
/// The runtime's own telemetry, under service name `localdapr`: a span for what daprd traces (each Dapr API call,
/// each pub/sub delivery, each workflow, activity and timer) and the pub/sub delivery counter. Exported over
/// OTLP/gRPC when <see cref="Runtime.LocalDaprOptions.OtlpEndpoint"/> is set; without it nothing listens, no span is
/// created, and trace context passes through unchanged, as daprd does without a tracing exporter.
/// </summary>
public static class RuntimeTelemetry
{
    public const string ServiceName = "localdapr";

    public static readonly ActivitySource Source = new(ServiceName);

    private static readonly Meter Meter = new(ServiceName);

    /// <summary>
    /// What became of each message the runtime took from a topic for an app: the counterpart of daprd's
    /// `dapr_component_pubsub_ingress_count` (process_status success, retry, drop).
    /// </summary>
    private static readonly Counter<long> Deliveries = Meter.CreateCounter<long>(
        "localdapr.pubsub.deliveries", unit: "{message}",
        description: "Messages taken from a topic for an app, by outcome: delivered, dropped, dead_lettered or given_up.");

    public static void CountDelivery(string appId, string topic, string outcome) =>
        Deliveries.Add(1,
            new KeyValuePair<string, object?>("messaging.destination.name", topic),
            new KeyValuePair<string, object?>("dapr.app_id", appId),
            new KeyValuePair<string, object?>("localdapr.pubsub.outcome", outcome));

    /// <summary>
    /// Starts exporting to <paramref name="endpoint"/>; dispose the result to flush and stop.
    /// </summary>
    public static IDisposable StartExporting(Uri endpoint)
    {
        var resource = ResourceBuilder.CreateDefault().AddService(ServiceName);
        var tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(ServiceName)
            .AddOtlpExporter(options =>
            {
                options.Endpoint = endpoint;
                options.Protocol = OtlpExportProtocol.Grpc;
                // A local tool: spans show up in a second rather than the SDK's default five.
                options.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 1000;
            })
            .Build();
        var metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(ServiceName)
            .AddOtlpExporter((options, reader) =>
            {
                options.Endpoint = endpoint;
                options.Protocol = OtlpExportProtocol.Grpc;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 10_000;
            })
            .Build();
        return new Providers(tracing, metrics);
    }

    /// <summary>
    /// Starts a span that is not the ambient one afterwards (a workflow or activity span that lives across calls):
    /// <see cref="Activity.Current"/> is what it was before.
    /// </summary>
    public static Activity? StartDetached(string name, ActivityKind kind, ActivityContext parent, DateTimeOffset startTime = default)
    {
        var previous = Activity.Current;
        var activity = Source.StartActivity(name, kind, parent, startTime: startTime);
        Activity.Current = previous;
        return activity;
    }

    private sealed class Providers(TracerProvider? tracing, MeterProvider? metrics) : IDisposable
    {
        public void Dispose()
        {
            tracing?.Dispose();
            metrics?.Dispose();
        }
    }
}
