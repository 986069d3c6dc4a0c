using System.Diagnostics;
using DaprOrders.LocalDapr.Telemetry;

namespace DaprOrders.LocalDapr.Sidecars;

/// <summary>
/// The sidecar's connection to its app, as daprd's app channel: every request to the app carries
/// `dapr-api-token: APP_API_TOKEN` when one is configured, and, while one of the runtime's spans is current (the API
/// call or the delivery that causes this request), that span as `traceparent`/`tracestate`.
/// </summary>
public sealed class AppChannel(AppInstance instance, HttpClient http)
{
    public const string ApiTokenHeader = "dapr-api-token";

    public AppInstance Instance { get; } = instance;

    /// <summary>
    /// Base address http://127.0.0.1:{AppPort}/; null when the app has no port (publish-only apps).
    /// </summary>
    public Uri? BaseAddress { get; } = instance.AppPort is int port ? new Uri($"http://127.0.0.1:{port}/") : null;

    /// <summary>
    /// The app has a port and speaks HTTP: the sidecar can call its Dapr callbacks (`/dapr/subscribe`, `/dapr/config`,
    /// events, actors) and invoke its methods.
    /// </summary>
    public bool SpeaksHttp => BaseAddress is not null && Instance.AppProtocol == AppProtocols.Http;

    /// <summary>
    /// Sends a request to the app; <paramref name="request"/>'s URI is relative to the app's base address. The
    /// response is read whole unless <paramref name="completion"/> says headers are enough (a streamed gRPC call).
    /// </summary>
    public Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        if (BaseAddress is null)
        {
            throw new InvalidOperationException($"App '{Instance.AppId}' has no app port; the sidecar cannot call it.");
        }

        if (request.RequestUri is { IsAbsoluteUri: false } relative)
        {
            request.RequestUri = new Uri(BaseAddress, relative.OriginalString.TrimStart('/'));
        }

        if (Instance.AppApiToken is { Length: > 0 } token)
        {
            // Set, not added: a token a caller sent along (e.g. in an invoked call's headers) is replaced.
            request.Headers.Remove(ApiTokenHeader);
            request.Headers.TryAddWithoutValidation(ApiTokenHeader, token);
        }

        if (Activity.Current is { } span && span.Source == RuntimeTelemetry.Source)
        {
            // Replaces what a caller's invocation forwarded: daprd sends its own span as the app's parent.
            request.Headers.Remove(TraceHeaders.TraceParentHeader);
            request.Headers.Remove(TraceHeaders.TraceStateHeader);
            request.Headers.TryAddWithoutValidation(TraceHeaders.TraceParentHeader, TraceHeaders.TraceParentOf(span.Context));
            if (span.TraceStateString is { Length: > 0 } state)
            {
                request.Headers.TryAddWithoutValidation(TraceHeaders.TraceStateHeader, state);
            }
        }

        return http.SendAsync(request, completion, cancellationToken);
    }
}
