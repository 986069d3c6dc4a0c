using System.Globalization;
using System.Net;
using DaprOrders.Contracts;

namespace DaprOrders.Email;

/// <summary>One email: recipient, subject and HTML body (the SMTP binding sends its data as HTML).</summary>
public sealed record EmailMessage(string To, string Subject, string HtmlBody);

/// <summary>The confirmation a customer gets for a validated, paid order.</summary>
internal static class ConfirmationEmail
{
    public static EmailMessage For(Order order, Payment payment, Customer customer)
    {
        // Every value comes from a topic: encode it, the body is HTML.
        static string Html(string value) => WebUtility.HtmlEncode(value);
        static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

        var body = $"""
            <p>Dear {Html(customer.FirstName)} {Html(customer.LastName)},</p>
            <p>your order <b>{Html(order.Id)}</b> of {order.Quantity} × {Html(order.Product.ToString())} for {Money(order.Price)}
            is confirmed. We received your payment {Html(payment.Id)} of {Money(payment.Amount)} {Html(payment.Ccy)}.</p>
            <p>It will be sent to {Html(customer.Address)}.</p>
            """;
        return new EmailMessage(customer.Email, $"Your order {order.Id} is confirmed", body);
    }
}
