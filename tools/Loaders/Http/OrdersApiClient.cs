using DaprOrders.Contracts;

namespace DaprOrders.Loaders.Http;

/// <summary>
/// The orders service's REST API: `POST {api}/v1/orders` with the order (state CREATED) as body, and
/// <c>Authorization: Bearer {token}</c> when the API requires tokens (one with the admin role, to act for any customer).
/// </summary>
internal sealed class OrdersApiClient(HttpClient http, Uri apiUrl, string? bearerToken)
{
    private readonly Uri _ordersUrl = new($"{apiUrl.AbsoluteUri.TrimEnd('/')}/v1/orders");

    public Task<CallResult> PostAsync(Order order, CancellationToken cancellationToken) =>
        HttpCalls.PostJsonAsync(http, _ordersUrl, order, daprApiToken: null, bearerToken, "the orders API", cancellationToken);
}
