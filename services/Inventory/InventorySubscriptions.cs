using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.Publishing;
using DaprOrders.ServiceDefaults.Subscriptions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprOrders.Inventory;

internal static class InventorySubscriptions
{
    public static IEndpointRouteBuilder MapInventorySubscriptions(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapTopic(Topics.Orders, OnOrder);
        endpoints.MapTopic(Topics.WarehouseInventory, OnStockLevel);
        return endpoints;
    }

    private static async Task<Ok<DeliveryStatus>> OnOrder(
        Order? order, IInventory inventory, IEventPublisher publisher, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        // A static class cannot be ILogger<T>'s T; the category still names the class that logs.
        var logger = loggers.CreateLogger(typeof(InventorySubscriptions));
        if (order is null || !OrderIds.IsValid(order.Id))
        {
            logger.LogWarning("Dropping an order event without a valid order id");
            return Delivery.Drop();
        }

        switch (order.State)
        {
            case OrderState.Created:
                // No product we know has no stock: fail it without waking an actor for a name that is not a product.
                var validation = Enum.IsDefined(order.Product)
                    ? await inventory.ReserveAsync(order, cancellationToken)
                    : new OrderValidation(order.Id, OrderValidationType.InventoryCheck, OrderValidationResult.Fail);
                // A failure here is a 500: Dapr redelivers, and the actor answers the recorded decision again.
                await publisher.PublishAsync(Topics.OrderValidations, order.Id, validation, cancellationToken);
                return Delivery.Ack();
            case OrderState.Failed when Enum.IsDefined(order.Product):
                await inventory.ReleaseAsync(order, cancellationToken);
                return Delivery.Ack();
            default:
                return Delivery.Ack();
        }
    }

    private static async Task<Ok<DeliveryStatus>> OnStockLevel(
        StockLevel? level, IInventory inventory, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(InventorySubscriptions));
        if (level is null || !Enum.IsDefined(level.Product) || level.Quantity < 0)
        {
            logger.LogWarning("Dropping a malformed stock level");
            return Delivery.Drop();
        }

        await inventory.SetStockAsync(level, cancellationToken);
        return Delivery.Ack();
    }
}
