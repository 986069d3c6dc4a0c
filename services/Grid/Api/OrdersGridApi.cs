using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using DaprOrders.Grid.View;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprOrders.Grid.Api;

internal static class OrdersGridApi
{
    public const int DefaultPageSize = 100;

    public static IEndpointRouteBuilder MapOrdersGridApi(this IEndpointRouteBuilder endpoints)
    {
        var orders = endpoints.MapGroup("/api/orders").WithTags("Grid");
        orders.MapGet("/", GetPage);
        orders.MapGet("/stream", Stream);
        return endpoints;
    }

    // GET /api/orders?offset=0&limit=100: one page of the grid, in row order, with the total row count.
    private static async Task<Results<Ok<OrdersPage>, ValidationProblem>> GetPage(
        OrderGridView view, CancellationToken cancellationToken, long offset = 0, int limit = DefaultPageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (offset < 0)
        {
            errors["offset"] = ["offset must be 0 or more."];
        }

        if (limit is < 1 or > OrderGridView.MaxPageSize)
        {
            errors["limit"] = [$"limit must be between 1 and {OrderGridView.MaxPageSize}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await view.GetPageAsync(offset, limit, cancellationToken));
    }

    // GET /api/orders/stream: Server-Sent Events. First "reset" (the total: read what you show again), then "row"
    // for each new or changed row, "customer" when a customer's name or level changes, and "reset" again whenever
    // this stream fell behind. A browser's EventSource reconnects by itself and starts with a reset.
    private static ServerSentEventsResult<object> Stream(
        OrderGridView view, GridChangeFeed feed, IHostApplicationLifetime lifetime, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(Changes(view, feed, lifetime.ApplicationStopping, cancellationToken));

    private static async IAsyncEnumerable<SseItem<object>> Changes(
        OrderGridView view, GridChangeFeed feed, CancellationToken stopping, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Ends the stream on shutdown too: an open stream would otherwise hold the host until its shutdown timeout.
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancellationToken);
        var token = cancel.Token;
        // Subscribe before reading the total, so no change falls between the two.
        using var subscription = feed.Subscribe();
        yield return Event(new GridReset(await view.CountAsync(token)));

        while (await WaitAsync(subscription, token))
        {
            while (subscription.Changes.TryRead(out var change))
            {
                yield return Event(change);
            }

            if (subscription.TakeMissed())
            {
                yield return Event(new GridReset(await view.CountAsync(token)));
            }
        }
    }

    private static async Task<bool> WaitAsync(GridChangeFeed.Subscription subscription, CancellationToken cancellationToken)
    {
        try
        {
            return await subscription.Changes.WaitToReadAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The browser went away or the app is stopping: end the stream quietly.
            return false;
        }
    }

    private static SseItem<object> Event(GridChange change) => change switch
    {
        RowChanged row => new(new { row.Total, row.Row }, "row"),
        CustomerChanged customer => new(new { customer.CustomerId, customer.CustomerName, customer.CustomerLevel }, "customer"),
        GridReset reset => new(new { reset.Total }, "reset"),
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown grid change"),
    };
}
