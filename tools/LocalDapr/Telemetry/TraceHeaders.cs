using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace DaprOrders.LocalDapr.Telemetry;

/// <summary>
/// W3C trace context as daprd reads and writes it: `traceparent`/`tracestate` headers, and on gRPC the binary
/// `grpc-trace-bin` header, which daprd prefers when both are sent (dapr pkg/diagnostics/grpc_tracing.go
/// SpanContextFromIncomingGRPCMetadata). The Dapr SDK sends all three with the same context.
/// </summary>
public static class TraceHeaders
{
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";
    public const string GrpcTraceBinHeader = "grpc-trace-bin";

    /// <summary>
    /// The caller's context from request headers; false when there is none or it does not parse.
    /// </summary>
    public static bool TryExtract(IHeaderDictionary headers, out ActivityContext context)
    {
        var traceState = headers[TraceStateHeader].FirstOrDefault();
        if (headers[GrpcTraceBinHeader].FirstOrDefault() is { Length: > 0 } binary && TryParseGrpcTraceBin(binary, traceState, out context))
        {
            return true;
        }

        return TryParse(headers[TraceParentHeader].FirstOrDefault(), traceState, out context);
    }

    public static bool TryParse([NotNullWhen(true)] string? traceParent, string? traceState, out ActivityContext context)
    {
        context = default;
        return !string.IsNullOrEmpty(traceParent) && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out context);
    }

    /// <summary>
    /// The context what a call causes carries on: the runtime's current span (the API call's), else, when the
    /// runtime traces nothing, the caller's own context unchanged.
    /// </summary>
    public static (string? TraceParent, string? TraceState) Outgoing(string? callerTraceParent, string? callerTraceState) =>
        Activity.Current is { } span && span.Source == RuntimeTelemetry.Source
            ? (TraceParentOf(span.Context), span.TraceStateString)
            : (callerTraceParent, callerTraceState);

    /// <summary>
    /// The W3C `traceparent` of a span: `00-{trace id}-{span id}-{flags}`.
    /// </summary>
    public static string TraceParentOf(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{((context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";

    /// <summary>
    /// gRPC's binary trace context (OpenCensus format, base64 on the wire): version 0, then field 0 with the
    /// 16-byte trace id, field 1 with the 8-byte span id, field 2 with the one-byte trace options.
    /// </summary>
    private static bool TryParseGrpcTraceBin(string base64, string? traceState, out ActivityContext context)
    {
        context = default;
        Span<byte> bytes = stackalloc byte[64];
        if (!Convert.TryFromBase64String(base64, bytes, out var length) || length < 29 || bytes[0] != 0 || bytes[1] != 0 || bytes[18] != 1 || bytes[27] != 2)
        {
            return false;
        }

        var traceId = ActivityTraceId.CreateFromBytes(bytes.Slice(2, 16));
        var spanId = ActivitySpanId.CreateFromBytes(bytes.Slice(19, 8));
        var flags = (bytes[28] & 1) != 0 ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None;
        context = new ActivityContext(traceId, spanId, flags, traceState, isRemote: true);
        return true;
    }
}
