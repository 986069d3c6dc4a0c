using System.Net;
using System.Net.Http.Headers;

namespace DaprOrders.LocalDapr.Actors;

/// <summary>
/// The calls daprd makes to an app hosting actors (pkg/actors/targets/app/transport/http/http.go): methods,
/// reminders and timers always as `PUT /actors/{type}/{id}/method/...`, deactivation as `DELETE /actors/{type}/{id}`.
/// </summary>
public static class ActorAppCalls
{
    /// <summary>
    /// Response header an app may set to stop a recurring reminder (the .NET SDK never sets it).
    /// </summary>
    public const string ReminderCancelHeader = "X-DaprReminderCancel";

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    /// <summary>
    /// Sends a method call; the caller owns (and disposes) the response.
    /// </summary>
    public static Task<HttpResponseMessage> InvokeMethodAsync(ActorHost host, ActorKey key, string method, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Method = HttpMethod.Put;
        request.RequestUri = new Uri($"{ActorPath(key)}/method/{Uri.EscapeDataString(method)}", UriKind.Relative);
        return host.Sidecar.App.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// Fires a reminder; true when the app asked to cancel it. App errors throw <see cref="HttpRequestException"/>.
    /// </summary>
    public static async Task<bool> RemindAsync(ActorHost host, ActorKey key, string name, byte[] body, CancellationToken cancellationToken)
    {
        using var response = await CallbackAsync(host, key, $"remind/{Uri.EscapeDataString(name)}", body, cancellationToken);
        return response.Headers.TryGetValues(ReminderCancelHeader, out var values)
            && values.FirstOrDefault() is { } value
            && (bool.TryParse(value, out var cancel) ? cancel : value is "1" or "y" or "yes" or "on");
    }

    public static async Task TimerAsync(ActorHost host, ActorKey key, string name, byte[] body, CancellationToken cancellationToken)
    {
        using var _ = await CallbackAsync(host, key, $"timer/{Uri.EscapeDataString(name)}", body, cancellationToken);
    }

    public static async Task DeactivateAsync(ActorHost host, ActorKey key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(ActorPath(key), UriKind.Relative));
        using var response = await host.Sidecar.App.SendAsync(request, cancellationToken);
        await EnsureOkAsync(response, request, cancellationToken);
    }

    /// <summary>
    /// daprd's reading of the app's answer: 404 is "method not found", anything but 200 an error with the body.
    /// </summary>
    public static async Task EnsureOkAsync(HttpResponseMessage response, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new HttpRequestException($"actor method not found: {request.RequestUri}", null, response.StatusCode);
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"error from actor service: ({(int)response.StatusCode}) {body}", null, response.StatusCode);
        }
    }

    private static async Task<HttpResponseMessage> CallbackAsync(ActorHost host, ActorKey key, string method, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"{ActorPath(key)}/method/{method}", UriKind.Relative))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = JsonContentType } },
        };
        var response = await host.Sidecar.App.SendAsync(request, cancellationToken);
        try
        {
            await EnsureOkAsync(response, request, cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static string ActorPath(ActorKey key) => $"actors/{Uri.EscapeDataString(key.Type)}/{Uri.EscapeDataString(key.Id)}";
}
