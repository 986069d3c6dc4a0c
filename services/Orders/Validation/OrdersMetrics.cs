using System.Diagnostics;
using System.Diagnostics.Metrics;
using DaprOrders.Contracts;

namespace DaprOrders.Orders.Validation;

/// <summary>
/// What an operator watches of the orders service (meter DaprOrders.Orders): orders accepted, orders being validated,
/// verdicts by result and reason, and how long an order took from its POST to its verdict. Summed over instances:
/// the instance that accepts an order is not always the one that publishes its verdict.
/// </summary>
internal sealed class OrdersMetrics
{
    public const string MeterName = "DaprOrders.Orders";

    private readonly Counter<long> _accepted;
    private readonly UpDownCounter<long> _validating;
    private readonly Counter<long> _verdicts;
    private readonly Histogram<double> _duration;

    public OrdersMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _accepted = meter.CreateCounter<long>("daprorders.orders.accepted", "{order}", "Orders accepted by POST /v1/orders (the first POST of each id).");
        _validating = meter.CreateUpDownCounter<long>("daprorders.orders.validating", "{order}", "Orders accepted and not yet decided.");
        _verdicts = meter.CreateCounter<long>("daprorders.orders.verdicts", "{order}", "Verdicts published, by result (validated, failed) and reason.");
        _duration = meter.CreateHistogram(
            "daprorders.orders.validation.duration", "s", "Time from an order's POST to its published verdict.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
    }

    public void Accepted()
    {
        _accepted.Add(1);
        _validating.Add(1);
    }

    public void Decided(OrderState verdict, string reason, TimeSpan? sincePosted)
    {
        var tags = new TagList { { "daprorders.verdict", verdict == OrderState.Validated ? "validated" : "failed" }, { "daprorders.verdict.reason", reason } };
        _verdicts.Add(1, tags);
        _validating.Add(-1);
        if (sincePosted is { } duration)
        {
            _duration.Record(duration.TotalSeconds, tags);
        }
    }
}
