using System.Text.Json.Nodes;

namespace DaprOrders.LocalDapr.TestApp;

/// <summary>
/// What the app received, in named streams, so a test can wait for it without sleeping:
/// `GET /test/recorded/{stream}?count=N&amp;timeout=30` answers as soon as the stream holds N entries (200, all entries)
/// or when the timeout passes (408, the entries so far). Handlers record with <see cref="Record"/>.
/// </summary>
public sealed class RecordedEvents
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<JsonNode?>> _streams = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Record(string stream, JsonNode? entry)
    {
        TaskCompletionSource wake;
        lock (_gate)
        {
            if (!_streams.TryGetValue(stream, out var entries))
            {
                _streams[stream] = entries = [];
            }

            entries.Add(entry);
            wake = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
    }

    public IReadOnlyList<JsonNode?> Snapshot(string stream)
    {
        lock (_gate)
        {
            return _streams.TryGetValue(stream, out var entries) ? entries.Select(e => e?.DeepClone()).ToList() : [];
        }
    }

    /// <summary>
    /// The entries once there are at least <paramref name="count"/>; null when the timeout passes first.
    /// </summary>
    public async Task<IReadOnlyList<JsonNode?>?> WaitAsync(string stream, int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_streams.TryGetValue(stream, out var entries) && entries.Count >= count)
                {
                    return entries.Select(e => e?.DeepClone()).ToList();
                }

                next = _changed.Task;
            }

            try
            {
                await next.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }
}

public static class RecordedEventsEndpoints
{
    public const string RequestsStream = "requests";

    public static IEndpointRouteBuilder MapRecordedEvents(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/test/recorded/{stream}", async (string stream, int? count, double? timeout, RecordedEvents recorded, CancellationToken cancellationToken) =>
        {
            var entries = await recorded.WaitAsync(stream, count ?? 1, TimeSpan.FromSeconds(timeout ?? 30), cancellationToken);
            return entries is null
                ? Results.Json(recorded.Snapshot(stream), statusCode: StatusCodes.Status408RequestTimeout)
                : Results.Json(entries);
        });
        return endpoints;
    }

    /// <summary>
    /// Records every request the sidecar (or a test) makes to the app in the stream "requests":
    /// `{"method","path","daprApiToken"}`, so tests can check what daprd-like calls carried.
    /// </summary>
    public static IApplicationBuilder UseRequestRecording(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (!context.Request.Path.StartsWithSegments("/test", StringComparison.Ordinal))
        {
            context.RequestServices.GetRequiredService<RecordedEvents>().Record(RequestsStream, new JsonObject
            {
                ["method"] = context.Request.Method,
                ["path"] = context.Request.Path.Value,
                ["daprApiToken"] = context.Request.Headers["dapr-api-token"].FirstOrDefault(),
            });
        }

        return next(context);
    });
}
