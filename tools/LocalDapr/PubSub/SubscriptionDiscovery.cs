using System.Net;
using System.Text.Json;
using DaprOrders.LocalDapr.Sidecars;

namespace DaprOrders.LocalDapr.PubSub;

/// <summary>
/// `GET /dapr/subscribe` as daprd asks it (pkg/runtime/pubsub/subscriptions.go GetSubscriptionsHTTP): with
/// `Content-Type: application/json` and `dapr-app-id`; 404 = no subscriptions; another status or an unreadable
/// answer = logged, no subscriptions. Transport failures are retried like daprd's built-in init policy.
/// </summary>
internal static class SubscriptionDiscovery
{
    private const int Retries = 3;

    public static async Task<IReadOnlyList<TopicSubscription>> GetAsync(Sidecar sidecar, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("dapr/subscribe", UriKind.Relative))
                {
                    Content = new ByteArrayContent([]),
                };
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                request.Headers.TryAddWithoutValidation("dapr-app-id", sidecar.AppId);
                using var response = await sidecar.App.SendAsync(request, cancellationToken);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return [];
                }

                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    sidecar.Logger.LogError("pubsub: GET /dapr/subscribe of {AppId} answered {Status}; no programmatic subscriptions", sidecar.AppId, (int)response.StatusCode);
                    return [];
                }

                return TopicSubscription.FromSubscribeResponse(body);
            }
            catch (HttpRequestException) when (attempt < Retries)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500 * Math.Pow(2, attempt)), cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or FormatException)
            {
                sidecar.Logger.LogError("pubsub: reading GET /dapr/subscribe of {AppId} failed; no programmatic subscriptions: {Error}", sidecar.AppId, e.Message);
                return [];
            }
        }
    }
}
