using System.Net;
using System.Net.Http.Json;
using DaprOrders.Contracts;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>Calls of the orders REST API (services/Orders/README.md) as a client makes them.</summary>
public static class OrdersHttp
{
    /// <summary>
    /// The longest wait the API allows (Orders:MaxWait), so a slow machine is not mistaken for a lost order.
    /// </summary>
    public const int MaxWaitMs = 60_000;

    public static Task<HttpResponseMessage> PostOrderAsync(this HttpClient orders, Order order, CancellationToken cancellationToken) =>
        orders.PostAsJsonAsync(new Uri("v1/orders", UriKind.Relative), order, ContractsJson.Options, cancellationToken);

    /// <summary>
    /// Posts <paramref name="order"/> and asserts it was accepted (201).
    /// </summary>
    public static async Task CreateOrderAsync(this HttpClient orders, Order order, CancellationToken cancellationToken)
    {
        using var response = await orders.PostOrderAsync(order, cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created,
            $"POST of order {order.Id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }

    /// <summary>
    /// Posts <paramref name="order"/> until it is accepted, as a client that must get its order in does: no answer
    /// (the instance is down or died while answering), a 5xx or a 429 is tried again, after the answer's
    /// Retry-After when it has one; anything else fails. <paramref name="retried"/> hears why each retry happened
    /// (the status code, or "no answer"). Re-posting the same order is idempotent, so a retry never makes two.
    /// </summary>
    public static async Task PostUntilAcceptedAsync(
        this HttpClient orders, Order order, Action<string>? retried, CancellationToken cancellationToken)
    {
        while (true)
        {
            var pause = RetryPacing;
            try
            {
                using var response = await orders.PostOrderAsync(order, cancellationToken);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    return;
                }

                var status = (int)response.StatusCode;
                Assert.True(status >= 500 || status == 429, $"POST of order {order.Id}: {status} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                retried?.Invoke(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                pause = response.Headers.RetryAfter?.Delta ?? pause;
            }
            catch (HttpRequestException)
            {
                retried?.Invoke("no answer");
            }

            await Task.Delay(pause, cancellationToken);
        }
    }

    // Pacing for retries against a dead port, not a wait for an event.
    private static readonly TimeSpan RetryPacing = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// `GET /v1/orders/{id}/validated`: the order once VALIDATED or FAILED; asserts it was decided in time.
    /// </summary>
    public static async Task<Order> GetDecidedOrderAsync(this HttpClient orders, string id, CancellationToken cancellationToken)
    {
        using var response = await orders.GetAsync(new Uri($"v1/orders/{id}/validated?timeout={MaxWaitMs}", UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET validated of order {id}: {(int)response.StatusCode} {body}");
        return System.Text.Json.JsonSerializer.Deserialize<Order>(body, ContractsJson.Options)!;
    }

    /// <summary>
    /// The decided states of <paramref name="ids"/>, asked for all at once.
    /// </summary>
    public static async Task<IReadOnlyList<OrderState>> GetDecidedStatesAsync(
        this HttpClient orders, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var decided = await Task.WhenAll(ids.Select(id => orders.GetDecidedOrderAsync(id, cancellationToken)));
        return [.. decided.Select(o => o.State)];
    }
}
