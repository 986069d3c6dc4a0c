using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.Publishing;
using DaprOrders.ServiceDefaults.Subscriptions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprOrders.OrderDetails;

internal static class OrderDetailsSubscriptions
{
    public static IEndpointRouteBuilder MapOrderDetailsSubscriptions(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapTopic(Topics.Orders, CheckOrder);
        return endpoints;
    }

    // Stateless, so a redelivered order gets the same result again; the orders service ignores the duplicate.
    private static async Task<Ok<DeliveryStatus>> CheckOrder(
        Order? order, IEventPublisher publisher, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        // A static class cannot be ILogger<T>'s T; the category still names the class that logs.
        var logger = loggers.CreateLogger(typeof(OrderDetailsSubscriptions));
        if (order is null || !OrderIds.IsValid(order.Id))
        {
            logger.LogWarning("Dropping an order event without a valid order id");
            return Delivery.Drop();
        }

        if (order.State != OrderState.Created)
        {
            return Delivery.Ack();
        }

        var result = OrderDetailsRules.Check(order);
        await publisher.PublishAsync(Topics.OrderValidations, order.Id,
            new OrderValidation(order.Id, OrderValidationType.OrderDetailsCheck, result), cancellationToken);
        logger.LogInformation("Order {OrderId}: order details {Result}", order.Id, result);
        return Delivery.Ack();
    }
}
