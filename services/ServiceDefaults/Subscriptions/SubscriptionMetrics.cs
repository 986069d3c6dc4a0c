using System.Diagnostics.Metrics;

namespace DaprOrders.ServiceDefaults.Subscriptions;

/// <summary>
/// Messages a service answered DROP (meter DaprOrders.Subscriptions): unreadable or malformed beyond repair. The
/// sidecar then moves them to the dead-letter topic, which it counts itself (daprd's pub/sub ingress metric;
/// localdapr.pubsub.deliveries on the local runtime).
/// </summary>
public static class SubscriptionMetrics
{
    private static readonly Meter Meter = new("DaprOrders.Subscriptions");

    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>(
        "daprorders.messages.dropped", "{message}", "Messages answered DROP (malformed), by topic.");

    public static void CountDropped(string topic) =>
        Dropped.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", topic));
}
