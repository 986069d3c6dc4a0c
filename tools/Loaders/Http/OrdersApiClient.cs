using System.Net;
using System.Text.Json;
using DaprOrders.Contracts;
using static System.FormattableString;

namespace DaprOrders.Loaders.Http;

/// <summary>
/// The orders service's REST API: `POST {api}/v1/orders` with the order (state CREATED) as body, the long poll
/// `GET {api}/v1/orders/{id}/validated?timeout=ms` for its verdict, and <c>Authorization: Bearer {token}</c> when
/// the API requires tokens (one with the admin role, to act for any customer).
/// </summary>
internal sealed class OrdersApiClient(HttpClient http, Uri apiUrl, string? bearerToken)
{
    private const string EndpointName = "the orders API";

    private readonly Uri _ordersUrl = new($"{apiUrl.AbsoluteUri.TrimEnd('/')}/v1/orders");

    public Task<CallResult> PostAsync(Order order, CancellationToken cancellationToken) =>
        HttpCalls.PostJsonAsync(http, _ordersUrl, order, daprApiToken: null, bearerToken, EndpointName, cancellationToken);

    /// <summary>
    /// Asks once: 200 is the verdict (VALIDATED or FAILED), 202 means the order is still CREATED when
    /// <paramref name="wait"/> ran out (ask again); anything else is a failure.
    /// </summary>
    public Task<VerdictAnswer> GetVerdictAsync(string orderId, TimeSpan wait, CancellationToken cancellationToken) =>
        HttpCalls.GetAsync(
            http,
            VerdictUrl(orderId, wait),
            bearerToken,
            EndpointName,
            async response => response.StatusCode switch
            {
                HttpStatusCode.OK => VerdictAnswer.Decided(await StateOfAsync(response, cancellationToken)),
                HttpStatusCode.Accepted => VerdictAnswer.NotYet,
                _ => VerdictAnswer.Failed(await HttpCalls.DescribeFailureAsync(response, cancellationToken)),
            },
            VerdictAnswer.Failed,
            cancellationToken);

    public Uri VerdictUrl(string orderId, TimeSpan wait) =>
        new(Invariant($"{_ordersUrl.AbsoluteUri}/{Uri.EscapeDataString(orderId)}/validated?timeout={(long)wait.TotalMilliseconds}"));

    private static async Task<OrderState> StateOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var order = await JsonSerializer.DeserializeAsync<Order>(body, ContractsJson.Options, cancellationToken);
        return order?.State ?? throw new JsonException("The orders API answered 200 without an order.");
    }
}

/// <summary>
/// One answer of the verdict long poll: a decided state, not yet (202), or a failure in words.
/// </summary>
internal sealed record VerdictAnswer(OrderState? State, string? Failure)
{
    public static VerdictAnswer NotYet { get; } = new(null, null);

    public bool IsDecided => State is not null;

    public static VerdictAnswer Decided(OrderState state) => new(state, null);

    public static VerdictAnswer Failed(string failure) => new(null, failure);
}
