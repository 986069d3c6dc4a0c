using System.Net.Http.Headers;

namespace DaprOrders.LocalDapr.Invocation;

/// <summary>
/// How an invocation becomes a request to the target app and how the app's response comes back, header by header,
/// as daprd's app channel does it (dapr pkg/messaging/v1/util.go InternalMetadataToHTTPHeader, IsHopByHopHeader;
/// pkg/channel/http/http_channel.go; pkg/messaging/direct_messaging.go invokeRemote, invokeLocal).
/// </summary>
public static class AppRequests
{
    /// <summary>
    /// The identity headers the callee's sidecar stamps; what a caller sends under these names is dropped.
    /// </summary>
    public const string CallerAppIdHeader = "dapr-caller-app-id";

    public const string CallerNamespaceHeader = "dapr-caller-namespace";

    public const string CalleeAppIdHeader = "dapr-callee-app-id";

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "http2-settings", "te", "trailer",
        "proxy-authorization", "proxy-authenticate",
    };

    // Not forwarded: Host (the app sees its own address), the body's framing (set from the body), the routing header,
    // and the identity headers the sidecar sets itself.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "content-length", "content-type", "expect", "destination-app-id", "dapr-app-id",
        CallerAppIdHeader, CallerNamespaceHeader, CalleeAppIdHeader,
    };

    /// <summary>
    /// The request to the app: `{method}?{query}` relative to the app's address, the caller's headers but hop-by-hop
    /// ones (and those the `Connection` header names), binary gRPC metadata (`-bin`) and gRPC's own (`grpc-*`
    /// becomes `dapr-grpc-*`); then who calls whom. <paramref name="remote"/>: the call crossed from another
    /// sidecar, which adds `X-Forwarded-For`, `X-Forwarded-Host` and `Forwarded` (RFC 7239).
    /// </summary>
    public static HttpRequestMessage ToApp(AppCall call, string method, string callerAppId, string calleeAppId, bool remote)
    {
        var target = method + (call.QueryString.Length > 0 ? "?" + call.QueryString : "");
        // A body of its own only when there is one (a GET without a body carries no Content-Length: 0).
        var content = new ReadOnlyMemoryContent(call.Body);
        var request = new HttpRequestMessage(new HttpMethod(call.Verb), new Uri(target, UriKind.Relative));
        if (!call.Body.IsEmpty || call.ContentType is { Length: > 0 })
        {
            request.Content = content;
        }

        if (call.ContentType is { Length: > 0 } contentType && MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            content.Headers.ContentType = mediaType;
        }

        var named = call.Headers
            .Where(h => h.Key.Equals("connection", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in call.Headers)
        {
            if (HopByHop.Contains(name) || named.Contains(name) || NotForwarded.Contains(name) || name.StartsWith(':')
                || name.EndsWith("-bin", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var forwarded = name.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase) ? "dapr-" + name : name;
            if (!request.Headers.TryAddWithoutValidation(forwarded, value))
            {
                content.Headers.TryAddWithoutValidation(forwarded, value);
            }
        }

        if (remote)
        {
            var host = Environment.MachineName;
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", "127.0.0.1");
            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", host);
            request.Headers.TryAddWithoutValidation("Forwarded", $"for=127.0.0.1;by=127.0.0.1;host={host}");
        }

        request.Headers.TryAddWithoutValidation(CallerNamespaceHeader, AccessControl.LocalNamespace);
        request.Headers.TryAddWithoutValidation(CallerAppIdHeader, callerAppId);
        request.Headers.TryAddWithoutValidation(CalleeAppIdHeader, calleeAppId);
        return request;
    }

    /// <summary>
    /// The app's response, read whole, with its headers but hop-by-hop ones and Content-Length.
    /// </summary>
    public static async Task<AppAnswer> FromAppAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => !HopByHop.Contains(h.Key)
                && !h.Key.Equals("content-length", StringComparison.OrdinalIgnoreCase)
                && !h.Key.Equals("content-type", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v)))
            .ToList();
        return new AppAnswer((int)response.StatusCode, headers, body, response.Content.Headers.ContentType?.ToString());
    }
}
