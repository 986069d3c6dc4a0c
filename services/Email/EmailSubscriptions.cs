using System.Net.Mail;
using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.Subscriptions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprOrders.Email;

internal static class EmailSubscriptions
{
    public static IEndpointRouteBuilder MapEmailSubscriptions(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapTopic(Topics.Orders, OnOrder);
        endpoints.MapTopic(Topics.Payments, OnPayment);
        endpoints.MapTopic(Topics.Customers, OnCustomer);
        return endpoints;
    }

    private static async Task<Ok<DeliveryStatus>> OnOrder(
        Order? order, OrderEmailJoin join, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        // A static class cannot be ILogger<T>'s T; the category still names the class that logs.
        var logger = loggers.CreateLogger(typeof(EmailSubscriptions));
        if (order is null || !OrderIds.IsValid(order.Id))
        {
            logger.LogWarning("Dropping an order event without a valid order id");
            return Delivery.Drop();
        }

        // Only a VALIDATED order is confirmed; CREATED, FAILED and SHIPPED are someone else's business.
        if (order.State != OrderState.Validated)
        {
            return Delivery.Ack();
        }

        if (string.IsNullOrWhiteSpace(order.CustomerId))
        {
            logger.LogWarning("Dropping VALIDATED order {OrderId} without a customer id: nobody to confirm it to", order.Id);
            return Delivery.Drop();
        }

        await join.OnValidatedOrderAsync(order, cancellationToken);
        return Delivery.Ack();
    }

    private static async Task<Ok<DeliveryStatus>> OnPayment(
        Payment? payment, OrderEmailJoin join, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(EmailSubscriptions));
        if (payment is null || string.IsNullOrWhiteSpace(payment.Id) || !OrderIds.IsValid(payment.OrderId))
        {
            logger.LogWarning("Dropping a payment without a payment id or a valid order id");
            return Delivery.Drop();
        }

        await join.OnPaymentAsync(payment, cancellationToken);
        return Delivery.Ack();
    }

    private static async Task<Ok<DeliveryStatus>> OnCustomer(
        Customer? customer, OrderEmailJoin join, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(EmailSubscriptions));
        // An address the SMTP binding cannot use would fail every send of this customer's orders: refuse it here.
        if (customer is null || string.IsNullOrWhiteSpace(customer.Id) || !MailAddress.TryCreate(customer.Email, out _))
        {
            logger.LogWarning("Dropping a customer record without an id or a usable email address");
            return Delivery.Drop();
        }

        await join.OnCustomerAsync(customer, cancellationToken);
        return Delivery.Ack();
    }
}
