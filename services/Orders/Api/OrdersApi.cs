using System.Security.Claims;
using DaprOrders.Contracts;
using DaprOrders.Orders.Security;
using DaprOrders.Orders.Validation;
using DaprOrders.Orders.View;
using DaprOrders.ServiceDefaults.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DaprOrders.Orders.Api;

internal static class OrdersApi
{
    /// <summary>Largest POST body.</summary>
    public const long MaxOrderBodyBytes = 16 * 1024;

    // Verdicts arrive at tens per second and waits end every few seconds: a second later there is room again.
    private static readonly TimeSpan RetryWhenBusy = TimeSpan.FromSeconds(1);

    public static RouteGroupBuilder MapOrdersApiV1(this IEndpointRouteBuilder endpoints)
    {
        var orders = endpoints.MapGroup("/v1/orders").WithTags("Orders");
        if (endpoints.ServiceProvider.GetRequiredService<OrdersCallers>().AuthenticationOn)
        {
            // No valid bearer token: 401 (a problem, by UseStatusCodePages) before any handler runs.
            orders.RequireAuthorization();
        }

        orders.MapPost("/", CreateOrder)
            .RequireRateLimiting(OrdersSecurity.PostPolicy)
            // An order is a few hundred bytes; anything near this is not an order (413 before it is read).
            .WithMetadata(new RequestSizeLimitAttribute(MaxOrderBodyBytes))
            .WithDescription("Accepts an order (state absent or CREATED) and starts its validation. " +
                "201 with Location; the same order again gives the same 201 and no second event; the same id " +
                "with other content gives 409; a customer id other than the caller's gives 403; too many POSTs " +
                "from this caller 429, too many orders awaiting validation 503 (both with Retry-After, nothing " +
                "recorded); a body over 16 KiB 413.");

        orders.MapGet("/{id}", GetOrder)
            .WithDescription("The order from the orders view, waiting up to ?timeout= ms (default 10000, at most " +
                "60000) for it to appear. 404 if it has not appeared by then; 503 with Retry-After if it would " +
                "wait and this instance holds as many waiting GETs as it may.");

        orders.MapGet("/{id}/validated", GetValidatedOrder)
            .WithDescription("The order once VALIDATED or FAILED, waiting up to ?timeout= ms (default 10000, at " +
                "most 60000). At the timeout: 202 Accepted with the current (not yet final) order if it exists, " +
                "404 if it does not; 503 with Retry-After if this instance holds as many waiting GETs as it may.");

        return orders;
    }

    private static async Task<Results<Created<Order>, ProblemHttpResult, RetryLaterProblem>> CreateOrder(
        CreateOrderRequest request, ClaimsPrincipal caller, OrdersCallers callers, OrderAcceptance acceptance, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        // A static class cannot be ILogger<T>'s T; the category still names the class that logs.
        var logger = loggers.CreateLogger(typeof(OrdersApi));
        var order = request.ToOrder();
        if (!callers.MayActFor(caller, order.CustomerId))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "You may only place your own orders.",
                detail: $"The order is for customer '{order.CustomerId}', and the token is not that customer's.");
        }

        var outcome = await acceptance.AcceptAsync(order, cancellationToken);
        if (outcome == AcceptOutcome.Busy)
        {
            logger.LogWarning("Order {OrderId} refused: too many orders are awaiting validation", order.Id);
            return RetryLaterProblem.ServiceBusy(
                "Too many orders are awaiting validation; this one was not recorded. Post it again after Retry-After.", RetryWhenBusy);
        }

        if (outcome == AcceptOutcome.Conflict)
        {
            logger.LogInformation("Order {OrderId} was posted again with different content", order.Id);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Another order with this id exists.",
                detail: $"Order '{order.Id}' was accepted earlier with different content; order ids cannot be reused.");
        }

        return TypedResults.Created($"/v1/orders/{order.Id}", order);
    }

    private static async Task<Results<Ok<Order>, ProblemHttpResult, ValidationProblem, RetryLaterProblem>> GetOrder(
        string id, int? timeout, ClaimsPrincipal caller, OrdersCallers callers, OrderWaitService waits, IOptions<OrdersApiOptions> options,
        CancellationToken cancellationToken)
    {
        if (InvalidWaitRequest(id, timeout, options.Value) is { } problem)
        {
            return problem;
        }

        var wait = WaitFor(timeout, options.Value);
        // Someone else's order is one that is not there: the same wait, the same 404, so the answer does not even
        // tell that the id exists.
        var (order, full) = await waits.WaitAsync(id, o => callers.MaySee(caller, o), wait, cancellationToken);
        if (full)
        {
            return TooManyWaiting();
        }

        return order is null || !callers.MaySee(caller, order) ? NotFoundProblem(id, wait) : TypedResults.Ok(order);
    }

    private static async Task<Results<Ok<Order>, Accepted<Order>, ProblemHttpResult, ValidationProblem, RetryLaterProblem>> GetValidatedOrder(
        string id, int? timeout, ClaimsPrincipal caller, OrdersCallers callers, OrderWaitService waits, IOptions<OrdersApiOptions> options,
        CancellationToken cancellationToken)
    {
        if (InvalidWaitRequest(id, timeout, options.Value) is { } problem)
        {
            return problem;
        }

        var wait = WaitFor(timeout, options.Value);
        var (order, full) = await waits.WaitAsync(id, decided => callers.MaySee(caller, decided) && OrderStates.IsDecided(decided.State), wait, cancellationToken);
        if (full)
        {
            return TooManyWaiting();
        }

        return order switch
        {
            null => NotFoundProblem(id, wait),
            _ when !callers.MaySee(caller, order) => NotFoundProblem(id, wait),
            _ when OrderStates.IsDecided(order.State) => TypedResults.Ok(order),
            // Known but undecided when the wait ran out: the client may ask again.
            _ => TypedResults.Accepted($"/v1/orders/{id}/validated", order),
        };
    }

    private static ValidationProblem? InvalidWaitRequest(string id, int? timeout, OrdersApiOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        if (!OrderIds.IsValid(id))
        {
            errors["id"] = [$"An order id is 1 to {OrderIds.MaxLength} letters, digits, '-', '_' or '.', starting with a letter or digit."];
        }

        var maxMs = (int)options.MaxWait.TotalMilliseconds;
        if (timeout is < 0 || timeout > maxMs)
        {
            errors["timeout"] = [$"timeout is in milliseconds, from 0 to {maxMs}."];
        }

        return errors.Count == 0 ? null : TypedResults.ValidationProblem(errors);
    }

    private static TimeSpan WaitFor(int? timeoutMs, OrdersApiOptions options) =>
        timeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : options.DefaultWait;

    private static RetryLaterProblem TooManyWaiting() =>
        RetryLaterProblem.ServiceBusy("Too many requests are waiting for orders on this instance; ask again after Retry-After.", RetryWhenBusy);

    private static ProblemHttpResult NotFoundProblem(string id, TimeSpan waited) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "Order not found.",
            detail: $"Order '{id}' did not appear within {waited.TotalMilliseconds} ms.");
}
