using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace DaprOrders.Loaders.Tests;

/// <summary>
/// One request as the fake endpoint saw it.
/// </summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? ContentType, string Body, IReadOnlyDictionary<string, string> Headers, TimeSpan At)
{
    public string PathAndQuery => Uri.PathAndQuery;
}

/// <summary>
/// Stands in for the sidecar and the orders API: records every request (with the clock's time) and answers
/// with <see cref="Respond"/>, by default 204 for publishes and 201 for orders.
/// </summary>
internal sealed class FakeHttp(SteppingClock clock) : HttpMessageHandler
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public Func<RecordedRequest, Task<HttpResponseMessage>> Respond { get; set; } = request => Task.FromResult(Default(request));

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static HttpResponseMessage Default(RecordedRequest request) =>
        new(request.Uri.AbsolutePath.StartsWith("/v1.0/publish/", StringComparison.Ordinal) ? HttpStatusCode.NoContent : HttpStatusCode.Created);

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, request.Content?.Headers.ContentType?.ToString(), body, headers, clock.Now);
        _requests.Enqueue(recorded);
        return await Respond(recorded);
    }
}
