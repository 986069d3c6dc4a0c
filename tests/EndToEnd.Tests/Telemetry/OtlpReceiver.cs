using System.Collections.Concurrent;
using System.Net;
using DaprOrders.EndToEnd.Tests.Telemetry.Otlp;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprOrders.EndToEnd.Tests.Telemetry;

/// <summary>
/// An OTLP/gRPC collector in the test process (Kestrel on loopback, h2c): keeps every span, metric point and log
/// record the apps and the runtime export, and lets a test await what it expects to arrive, without polling.
/// Given a downstream collector (the dashboard), it passes every export on, unchanged (protobuf keeps the fields
/// these protos leave out), before it counts it as received.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Telemetry _received;

    private OtlpReceiver(WebApplication app, Telemetry received, Uri endpoint)
    {
        _app = app;
        _received = received;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public IReadOnlyCollection<ReceivedSpan> Spans => _received.Spans;

    public static async Task<OtlpReceiver> StartAsync(Uri? downstream, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var received = new Telemetry(downstream is null ? null : GrpcChannel.ForAddress(downstream));
        builder.Services.AddSingleton(received);
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = null);
        var app = builder.Build();
        app.MapGrpcService<TraceCollector>();
        app.MapGrpcService<MetricsCollector>();
        app.MapGrpcService<LogsCollector>();
        await app.StartAsync(cancellationToken);
        var port = new Uri(app.Urls.Single()).Port;
        return new OtlpReceiver(app, received, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>
    /// Waits until the spans received so far satisfy <paramref name="complete"/>, and returns them.
    /// </summary>
    public Task<IReadOnlyList<ReceivedSpan>> WaitForSpansAsync(Func<IReadOnlyList<ReceivedSpan>, bool> complete, CancellationToken cancellationToken) =>
        _received.WaitAsync(() => _received.Spans.ToList(), complete, cancellationToken);

    /// <summary>
    /// Waits for a metric point that satisfies <paramref name="match"/> (points are cumulative: the newest wins).
    /// </summary>
    public async Task<ReceivedPoint> WaitForPointAsync(Func<ReceivedPoint, bool> match, CancellationToken cancellationToken)
    {
        var found = await _received.WaitAsync(() => _received.Points.Where(match).ToList(), points => points.Count > 0, cancellationToken);
        return found[^1];
    }

    /// <summary>The newest point received so far that satisfies <paramref name="match"/>; null if none.</summary>
    public ReceivedPoint? LatestPoint(Func<ReceivedPoint, bool> match) => _received.Points.LastOrDefault(match);

    public Task<IReadOnlyList<ReceivedLog>> WaitForLogsAsync(Func<ReceivedLog, bool> match, CancellationToken cancellationToken) =>
        _received.WaitAsync(() => _received.Logs.Where(match).ToList(), logs => logs.Count > 0, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _received.Downstream?.Dispose();
    }

    internal sealed class Telemetry(GrpcChannel? downstream)
    {
        private TaskCompletionSource _changed = New();

        public GrpcChannel? Downstream { get; } = downstream;

        /// <summary>Passes an export on to the downstream collector; one that refuses it loses it, as an exporter would.</summary>
        public async Task ForwardAsync(Func<CallInvoker, Task> export)
        {
            if (Downstream is null)
            {
                return;
            }

            try
            {
                await export(Downstream.CreateCallInvoker());
            }
            catch (RpcException)
            {
            }
        }

        public ConcurrentQueue<ReceivedSpan> Spans { get; } = new();

        public ConcurrentQueue<ReceivedPoint> Points { get; } = new();

        public ConcurrentQueue<ReceivedLog> Logs { get; } = new();

        public void Changed() => Interlocked.Exchange(ref _changed, New()).TrySetResult();

        public async Task<IReadOnlyList<T>> WaitAsync<T>(Func<List<T>> read, Func<IReadOnlyList<T>, bool> complete, CancellationToken cancellationToken)
        {
            while (true)
            {
                var changed = Volatile.Read(ref _changed).Task;
                var items = read();
                if (complete(items))
                {
                    return items;
                }

                await changed.WaitAsync(cancellationToken);
            }
        }

        private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class TraceCollector(Telemetry received) : TraceService.TraceServiceBase
    {
        public override async Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
        {
            await received.ForwardAsync(async calls => await new TraceService.TraceServiceClient(calls).ExportAsync(request, cancellationToken: context.CancellationToken));
            foreach (var resource in request.ResourceSpans)
            {
                var service = ServiceOf(resource.Resource);
                foreach (var span in resource.ScopeSpans.SelectMany(s => s.Spans))
                {
                    received.Spans.Enqueue(new ReceivedSpan(
                        service, span.Name, Hex(span.TraceId), Hex(span.SpanId), span.ParentSpanId.IsEmpty ? null : Hex(span.ParentSpanId),
                        span.Kind.ToString(), Attributes(span.Attributes)));
                }
            }

            received.Changed();
            return new ExportTraceServiceResponse();
        }
    }

    private sealed class MetricsCollector(Telemetry received) : MetricsService.MetricsServiceBase
    {
        public override async Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
        {
            await received.ForwardAsync(async calls => await new MetricsService.MetricsServiceClient(calls).ExportAsync(request, cancellationToken: context.CancellationToken));
            foreach (var resource in request.ResourceMetrics)
            {
                var service = ServiceOf(resource.Resource);
                foreach (var metric in resource.ScopeMetrics.SelectMany(s => s.Metrics))
                {
                    var points = metric.DataCase switch
                    {
                        Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Select(p => (Attributes(p.Attributes), Value(p))),
                        Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Select(p => (Attributes(p.Attributes), Value(p))),
                        Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Select(p => (Attributes(p.Attributes), (double)p.Count)),
                        _ => [],
                    };
                    foreach (var (attributes, value) in points)
                    {
                        received.Points.Enqueue(new ReceivedPoint(service, metric.Name, metric.Unit, attributes, value));
                    }
                }
            }

            received.Changed();
            return new ExportMetricsServiceResponse();
        }

        private static double Value(NumberDataPoint point) =>
            point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble;
    }

    private sealed class LogsCollector(Telemetry received) : LogsService.LogsServiceBase
    {
        public override async Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context)
        {
            await received.ForwardAsync(async calls => await new LogsService.LogsServiceClient(calls).ExportAsync(request, cancellationToken: context.CancellationToken));
            foreach (var resource in request.ResourceLogs)
            {
                var service = ServiceOf(resource.Resource);
                foreach (var log in resource.ScopeLogs.SelectMany(s => s.LogRecords))
                {
                    received.Logs.Enqueue(new ReceivedLog(
                        service, log.Body?.StringValue ?? "", Attributes(log.Attributes), log.TraceId.IsEmpty ? null : Hex(log.TraceId)));
                }
            }

            received.Changed();
            return new ExportLogsServiceResponse();
        }
    }

    private static string ServiceOf(Resource? resource) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value?.StringValue ?? "";

    private static Dictionary<string, string> Attributes(IEnumerable<KeyValue> attributes) =>
        attributes.GroupBy(a => a.Key).ToDictionary(g => g.Key, g => Text(g.Last().Value), StringComparer.Ordinal);

    private static string Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "",
    };

    private static string Hex(Google.Protobuf.ByteString bytes) => Convert.ToHexStringLower(bytes.Span);
}

/// <summary>One received span; ids in lower-case hex, as in a traceparent.</summary>
public sealed record ReceivedSpan(
    string Service, string Name, string TraceId, string SpanId, string? ParentSpanId, string Kind, IReadOnlyDictionary<string, string> Attributes);

/// <summary>One metric data point: a sum's or gauge's value, or a histogram's count.</summary>
public sealed record ReceivedPoint(string Service, string Metric, string Unit, IReadOnlyDictionary<string, string> Attributes, double Value);

public sealed record ReceivedLog(string Service, string Body, IReadOnlyDictionary<string, string> Attributes, string? TraceId);
