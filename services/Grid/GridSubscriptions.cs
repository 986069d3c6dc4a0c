using DaprOrders.Contracts;
using DaprOrders.Grid.View;
using DaprOrders.ServiceDefaults.Subscriptions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprOrders.Grid;

/// <summary>
/// The three streams the grid joins. Each handler returns only after its change is committed to SQLite, so the
/// acknowledgement (and the consumer group's offset commit that follows it) never runs ahead of the view.
/// A write that fails throws: 500, Dapr retries, then dead-letters.
/// </summary>
internal static class GridSubscriptions
{
    public static IEndpointRouteBuilder MapGridSubscriptions(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapTopic(Topics.Orders, ApplyOrder);
        endpoints.MapTopic(Topics.Payments, ApplyPayment);
        endpoints.MapTopic(Topics.Customers, ApplyCustomer);
        return endpoints;
    }

    private static async Task<Ok<DeliveryStatus>> ApplyOrder(
        Order? order, OrderGridView view, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        // A static class cannot be ILogger<T>'s T; the category still names the class that logs.
        var logger = loggers.CreateLogger(typeof(GridSubscriptions));
        // Numbers outside the enums bind too; a state the rules cannot rank would fail on every retry.
        if (order is null || !OrderIds.IsValid(order.Id) || order.CustomerId is null
            || !Enum.IsDefined(order.State) || !Enum.IsDefined(order.Product))
        {
            logger.LogWarning("Dropping an order event without a valid order id or a customer id, or with an unknown state or product");
            return Delivery.Drop();
        }

        if (await view.ApplyAsync(order, cancellationToken))
        {
            logger.LogDebug("Order {OrderId} is {State} in the grid", order.Id, order.State);
        }

        return Delivery.Ack();
    }

    private static async Task<Ok<DeliveryStatus>> ApplyPayment(
        Payment? payment, OrderGridView view, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(GridSubscriptions));
        if (payment is null || !OrderIds.IsValid(payment.OrderId) || payment.Id is null || payment.Ccy is null)
        {
            logger.LogWarning("Dropping a payment event without a valid order id, a payment id or a currency");
            return Delivery.Drop();
        }

        if (await view.ApplyAsync(payment, cancellationToken))
        {
            logger.LogDebug("Payment {PaymentId} of order {OrderId} is in the grid", payment.Id, payment.OrderId);
        }

        return Delivery.Ack();
    }

    private static async Task<Ok<DeliveryStatus>> ApplyCustomer(
        Customer? customer, OrderGridView view, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(GridSubscriptions));
        if (customer is null || string.IsNullOrWhiteSpace(customer.Id)
            || customer.FirstName is null || customer.LastName is null || customer.Level is null)
        {
            logger.LogWarning("Dropping a customer event without an id, name or level");
            return Delivery.Drop();
        }

        if (await view.ApplyAsync(customer, cancellationToken))
        {
            logger.LogDebug("Customer {CustomerId} is in the grid", customer.Id);
        }

        return Delivery.Ack();
    }
}
