using DaprOrders.Contracts;

namespace DaprOrders.Fraud;

/// <summary>
/// One customer's current session: orders with gaps of at most <see cref="FraudOptions.SessionGap"/> between them.
/// <see cref="Verdicts"/> remembers every order of the session, so a redelivered order gets its verdict again
/// without counting twice; it is dropped with the session, which keeps it bounded.
/// </summary>
public sealed record SpendingWindow(
    DateTimeOffset StartedAt,
    DateTimeOffset LastOrderAt,
    decimal Total,
    IReadOnlyDictionary<string, OrderValidationResult> Verdicts);

/// <summary>The window after an order was checked, and the order's verdict.</summary>
public sealed record FraudDecision(SpendingWindow Window, OrderValidationResult Result);

/// <summary>
/// The fraud rule of Confluent's FraudService: a session window per customer (inactivity gap, default 1 h) sums
/// the value of every order in it, and an order fails when the sum including it reaches the limit.
/// As there, every order counts, failed ones too: once over the limit, a customer's orders keep failing until the
/// session ends. Differences: the order value is <see cref="Order.Price"/>, which is the order's total here
/// (the original multiplies a unit price by the quantity), and time is the time of the check, not the record's.
/// </summary>
public static class FraudPolicy
{
    public static FraudDecision Check(SpendingWindow? window, Order order, DateTimeOffset now, FraudOptions options)
    {
        // A replay gets its recorded verdict, even after the session has ended: the window is only replaced by the
        // next new order, and a replay does not extend the session.
        if (window is not null && window.Verdicts.TryGetValue(order.Id, out var recorded))
        {
            return new FraudDecision(window, recorded);
        }

        var session = window is null || HasEnded(window, now, options.SessionGap)
            ? new SpendingWindow(now, now, 0m, new Dictionary<string, OrderValidationResult>())
            : window;

        // A negative price would lower the total and let later orders through: it fails and does not count.
        var value = Math.Max(order.Price, 0m);
        var total = session.Total + value;
        var result = order.Price < 0 || total >= options.Limit ? OrderValidationResult.Fail : OrderValidationResult.Pass;

        var verdicts = new Dictionary<string, OrderValidationResult>(session.Verdicts) { [order.Id] = result };
        var lastOrderAt = now > session.LastOrderAt ? now : session.LastOrderAt;
        return new FraudDecision(session with { LastOrderAt = lastOrderAt, Total = total, Verdicts = verdicts }, result);
    }

    /// <summary>
    /// Ended when MORE than the gap has passed since the session's last order: an order exactly one gap later still
    /// joins it, as Kafka Streams' session windows merge records whose distance is within the gap, inclusive.
    /// </summary>
    public static bool HasEnded(SpendingWindow window, DateTimeOffset now, TimeSpan gap) => now - window.LastOrderAt > gap;
}
