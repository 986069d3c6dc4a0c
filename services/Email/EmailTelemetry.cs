using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace DaprOrders.Email;

/// <summary>
/// The email service's span around each send (a child of the delivery that completed the join, so it sits in the
/// order's trace when the order's VALIDATED event is what completed it) and the counters of sent and failed emails
/// (source and meter DaprOrders.Email).
/// </summary>
internal static class EmailTelemetry
{
    private const string Name = "DaprOrders.Email";

    private static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);
    private static readonly Counter<long> Sent = Meter.CreateCounter<long>("daprorders.emails.sent", "{email}", "Confirmation emails handed to the SMTP binding.");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("daprorders.emails.failed", "{email}", "Confirmation emails the SMTP binding refused (retried by the redelivery).");

    public static Activity? StartSend(string orderId)
    {
        var span = Source.StartActivity("send confirmation", ActivityKind.Internal);
        span?.SetTag("daprorders.order_id", orderId);
        return span;
    }

    public static void CountSent() => Sent.Add(1);

    public static void CountFailed(Activity? span, Exception e)
    {
        Failed.Add(1);
        span?.SetStatus(ActivityStatusCode.Error, e.Message);
    }
}
