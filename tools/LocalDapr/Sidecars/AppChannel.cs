namespace DaprOrders.LocalDapr.Sidecars;

/// <summary>
/// The sidecar's connection to its app, as daprd's app channel: every request to the app carries
/// `dapr-api-token: APP_API_TOKEN` when one is configured.
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
    /// Sends a request to the app; <paramref name="request"/>'s URI is relative to the app's base address.
    /// </summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
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
            request.Headers.TryAddWithoutValidation(ApiTokenHeader, token);
        }

        return http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }
}
