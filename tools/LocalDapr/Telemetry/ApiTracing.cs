using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace DaprOrders.LocalDapr.Telemetry;

/// <summary>
/// A span per call of the sidecar's API, as daprd's HTTPTraceMiddleware and gRPC trace interceptors make one
/// (dapr pkg/diagnostics/http_tracing.go, grpc_tracing.go): a child of the caller's context, named after the gRPC
/// method (`/dapr.proto.runtime.v1.Dapr/PublishEvent`) or the HTTP path, of kind client, and the ambient
/// <see cref="Activity.Current"/> while the call runs, so what the call causes (a CloudEvent's `traceparent`, the
/// headers of a call to an app) carries this span as parent.
/// </summary>
public static class ApiTracing
{
    // The workflow worker's own protocol: a stream that lives as long as the app, and the turn completions, which
    // the workflow and activity spans already cover. Health checks are not traced by daprd either.
    private static readonly HashSet<string> Untraced = new(StringComparer.Ordinal)
    {
        "/v1.0/healthz", "/v1.0/healthz/outbound",
        "/TaskHubSidecarService/Hello", "/TaskHubSidecarService/GetWorkItems",
        "/TaskHubSidecarService/CompleteOrchestratorTask", "/TaskHubSidecarService/CompleteWorkflowTask",
        "/TaskHubSidecarService/CompleteActivityTask",
    };

    public static IApplicationBuilder UseApiTracing(this IApplicationBuilder app, string appId) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path.Value ?? "/";
        if (!RuntimeTelemetry.Source.HasListeners() || Untraced.Contains(path))
        {
            await next(context);
            return;
        }

        TraceHeaders.TryExtract(context.Request.Headers, out var parent);
        var isGrpc = context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true;
        using var span = RuntimeTelemetry.Source.StartActivity(path, ActivityKind.Client, parent);
        span?.SetTag("dapr.app_id", appId);
        span?.SetTag("dapr.protocol", isGrpc ? "grpc" : "http");
        span?.SetTag("dapr.api", isGrpc ? path : $"{context.Request.Method} {path}");
        await next(context);
        if (span is not null)
        {
            // gRPC's status is in the trailers, or in the headers of a trailers-only answer.
            var grpcStatus = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers["grpc-status"].FirstOrDefault()
                ?? context.Response.Headers["grpc-status"].FirstOrDefault();
            var failed = isGrpc ? grpcStatus is { } status && status != "0" : context.Response.StatusCode >= 500;
            if (failed)
            {
                span.SetStatus(ActivityStatusCode.Error);
            }
        }
    });
}
