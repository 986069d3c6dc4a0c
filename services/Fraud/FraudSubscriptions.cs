using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.Publishing;
using DaprOrders.ServiceDefaults.Subscriptions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprOrders.Fraud;

internal static class FraudSubscriptions
{
    public static IEndpointRouteBuilder MapFraudSubscriptions(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapTopic(Topics.Orders, CheckOrder);
        return endpoints;
    }

    private static async Task<Ok<DeliveryStatus>> CheckOrder(
        Order? order, IFraudCheck fraud, IEventPublisher publisher, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        // A static class cannot be ILogger<T>'s T; the category still names the class that logs.
        var logger = loggers.CreateLogger(typeof(FraudSubscriptions));
        if (order is null || !OrderIds.IsValid(order.Id))
        {
            logger.LogWarning("Dropping an order event without a valid order id");
            return Delivery.Drop();
        }

        if (order.State != OrderState.Created)
        {
            return Delivery.Ack();
        }

        // Without a customer there is no session to count the order into: the check cannot be made.
        var validation = string.IsNullOrWhiteSpace(order.CustomerId)
            ? new OrderValidation(order.Id, OrderValidationType.FraudCheck, OrderValidationResult.Error)
            : await fraud.CheckAsync(order, cancellationToken);

        // A failure here is a 500: Dapr redelivers, and the actor answers the recorded verdict again.
        await publisher.PublishAsync(Topics.OrderValidations, order.Id, validation, cancellationToken);
        return Delivery.Ack();
    }
}
