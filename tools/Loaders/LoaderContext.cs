namespace DaprOrders.Loaders;

/// <summary>
/// What the commands take from the outside world: HTTP, the clock and the environment. Tests replace each one
/// (a fake HttpMessageHandler, a clock that advances when the code waits, a dictionary of variables).
/// </summary>
internal sealed class LoaderContext
{
    public Func<HttpMessageHandler> CreateHttpHandler { get; init; } = () => new SocketsHttpHandler();

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>
    /// How long one HTTP call may take before it counts as failed.
    /// </summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public HttpClient CreateHttpClient() => CreateHttpClient(TimeSpan.Zero);

    /// <summary>
    /// For calls the server may hold for up to <paramref name="longestHold"/> on purpose (a long poll): that
    /// much longer than <see cref="HttpTimeout"/>.
    /// </summary>
    public HttpClient CreateHttpClient(TimeSpan longestHold) =>
        new(CreateHttpHandler(), disposeHandler: true) { Timeout = HttpTimeout + longestHold };

    /// <summary>
    /// DAPR_API_TOKEN, sent as the `dapr-api-token` header when the sidecar requires it.
    /// </summary>
    public string? DaprApiToken => Environment("DAPR_API_TOKEN") is { Length: > 0 } token ? token : null;

    /// <summary>
    /// ORDERS_API_TOKEN, a bearer token for the orders API when it requires one: with the `orders.admin` role or
    /// scope, so the loaders may post orders of every customer (e.g. from `dotnet user-jwts create --role orders.admin`).
    /// </summary>
    public string? OrdersApiToken => Environment("ORDERS_API_TOKEN") is { Length: > 0 } token ? token : null;
}
