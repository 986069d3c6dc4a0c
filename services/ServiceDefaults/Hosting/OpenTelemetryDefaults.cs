using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace DaprOrders.ServiceDefaults.Hosting;

internal static class OpenTelemetryDefaults
{
    /// <summary>
    /// The services' own spans and meters are named DaprOrders.*; the Dapr workflow SDK runs each activity under a
    /// span of its "Dapr.Workflow" source, a child of the sidecar's activity span.
    /// </summary>
    private const string OwnSources = "DaprOrders.*";
    private const string WorkflowSource = "Dapr.Workflow";

    public static void AddOpenTelemetryDefaults(this WebApplicationBuilder builder)
    {
        QuietRequestLogsByDefault(builder.Services);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(OwnSources)
                .AddRuntimeInstrumentation()
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .WithTracing(tracing => tracing
                .AddSource(OwnSources, WorkflowSource)
                // Probes would drown the traces that matter.
                .AddAspNetCoreInstrumentation(options => options.Filter = context =>
                    !context.Request.Path.StartsWithSegments(ServiceDefaultsExtensions.LivenessPath)
                    && !context.Request.Path.StartsWithSegments(ServiceDefaultsExtensions.ReadinessPath))
                // The Dapr SDK's gRPC calls (publish, state, workflows) as rpc spans rather than bare HTTP/2 posts.
                .AddGrpcClientInstrumentation(options => options.SuppressDownstreamInstrumentation = true)
                .AddHttpClientInstrumentation());

        // Export only where a collector is configured; the standard OTEL_* variables configure the exporter. The
        // exporter batches in the background and drops what it cannot send: a collector that is away or hangs
        // never holds up a request.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }
    }

    /// <summary>
    /// ASP.NET Core logs two lines per request at Information. The default here is Warning, as the rule every
    /// configured one overrides (the first of the filter rules; of two equally specific rules the later wins), so one
    /// setting turns request logs back on: `Logging__LogLevel__Microsoft.AspNetCore=Information`.
    /// </summary>
    private static void QuietRequestLogsByDefault(IServiceCollection services) =>
        services.PostConfigure<LoggerFilterOptions>(options =>
            options.Rules.Insert(0, new LoggerFilterRule(providerName: null, categoryName: "Microsoft.AspNetCore", logLevel: LogLevel.Warning, filter: null)));
}
