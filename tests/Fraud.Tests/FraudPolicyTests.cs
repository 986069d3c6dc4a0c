using DaprOrders.Contracts;

namespace DaprOrders.Fraud.Tests;

public sealed class FraudPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly FraudOptions Options = new();
    private int _orders;

    private Order NewOrder(decimal price) => new($"o-{++_orders}", "c-1", OrderState.Created, Product.Jumpers, 1, price);

    /// <summary>Checks the orders one after another, <paramref name="gap"/> apart, returning each verdict and the final window.</summary>
    private static (List<OrderValidationResult> Results, SpendingWindow Window) CheckAll(TimeSpan gap, params Order[] orders)
    {
        SpendingWindow? window = null;
        var results = new List<OrderValidationResult>();
        var now = T0;
        foreach (var order in orders)
        {
            var decision = FraudPolicy.Check(window, order, now, Options);
            results.Add(decision.Result);
            window = decision.Window;
            now += gap;
        }

        return (results, window!);
    }

    [Fact]
    public void The_default_limit_is_2000_and_the_default_gap_one_hour()
    {
        Assert.Equal(2000m, Options.Limit);
        Assert.Equal(TimeSpan.FromHours(1), Options.SessionGap);
    }

    [Fact]
    public void An_order_under_the_limit_passes() =>
        Assert.Equal([OrderValidationResult.Pass], CheckAll(TimeSpan.Zero, NewOrder(1999.99m)).Results);

    [Fact]
    public void A_single_order_exactly_at_the_limit_fails() =>
        Assert.Equal([OrderValidationResult.Fail], CheckAll(TimeSpan.Zero, NewOrder(2000m)).Results);

    [Fact]
    public void The_order_whose_total_exactly_reaches_the_limit_fails()
    {
        var (results, window) = CheckAll(TimeSpan.FromMinutes(10), NewOrder(1000m), NewOrder(999.99m), NewOrder(0.01m));

        Assert.Equal([OrderValidationResult.Pass, OrderValidationResult.Pass, OrderValidationResult.Fail], results);
        Assert.Equal(2000m, window.Total);
    }

    [Fact]
    public void Failed_orders_count_so_the_customer_stays_over_the_limit_for_the_session()
    {
        var (results, window) = CheckAll(TimeSpan.FromMinutes(10), NewOrder(1500m), NewOrder(600m), NewOrder(1m));

        Assert.Equal([OrderValidationResult.Pass, OrderValidationResult.Fail, OrderValidationResult.Fail], results);
        Assert.Equal(2101m, window.Total);
    }

    [Fact]
    public void An_order_exactly_one_gap_after_the_last_joins_the_session()
    {
        var (results, window) = CheckAll(TimeSpan.FromHours(1), NewOrder(1500m), NewOrder(500m));

        Assert.Equal([OrderValidationResult.Pass, OrderValidationResult.Fail], results);
        Assert.Equal(T0, window.StartedAt);
    }

    [Fact]
    public void An_order_more_than_one_gap_after_the_last_starts_a_new_session()
    {
        var (results, window) = CheckAll(TimeSpan.FromHours(1) + TimeSpan.FromTicks(1), NewOrder(1500m), NewOrder(500m));

        Assert.Equal([OrderValidationResult.Pass, OrderValidationResult.Pass], results);
        Assert.Equal(500m, window.Total);
        // The old session's orders went with it.
        Assert.Equal(["o-2"], window.Verdicts.Keys);
    }

    [Fact]
    public void Each_order_extends_the_session_so_it_can_last_longer_than_the_gap()
    {
        var (results, window) = CheckAll(TimeSpan.FromMinutes(50), NewOrder(1000m), NewOrder(500m), NewOrder(500m));

        Assert.Equal(OrderValidationResult.Fail, results[^1]);
        Assert.Equal(T0, window.StartedAt);
        Assert.Equal(T0 + TimeSpan.FromMinutes(100), window.LastOrderAt);
    }

    [Fact]
    public void A_replayed_order_gets_its_recorded_verdict_and_is_not_counted_again()
    {
        var first = NewOrder(1500m);
        var (_, window) = CheckAll(TimeSpan.Zero, first, NewOrder(600m));

        var replay = FraudPolicy.Check(window, first, T0 + TimeSpan.FromMinutes(5), Options);

        Assert.Equal(OrderValidationResult.Pass, replay.Result);
        Assert.Same(window, replay.Window);
        Assert.Equal(2100m, replay.Window.Total);
    }

    [Fact]
    public void A_replay_after_the_session_ended_still_gets_its_recorded_verdict()
    {
        var first = NewOrder(2500m);
        var (_, window) = CheckAll(TimeSpan.Zero, first);

        var replay = FraudPolicy.Check(window, first, T0 + TimeSpan.FromHours(3), Options);

        Assert.Equal(OrderValidationResult.Fail, replay.Result);
        Assert.Same(window, replay.Window);
    }

    [Fact]
    public void A_negative_price_fails_and_does_not_lower_the_total()
    {
        var (results, window) = CheckAll(TimeSpan.Zero, NewOrder(1500m), NewOrder(-1000m), NewOrder(600m));

        Assert.Equal([OrderValidationResult.Pass, OrderValidationResult.Fail, OrderValidationResult.Fail], results);
        Assert.Equal(2100m, window.Total);
    }

    [Fact]
    public void A_free_order_passes_and_adds_nothing()
    {
        var (results, window) = CheckAll(TimeSpan.Zero, NewOrder(0m));

        Assert.Equal([OrderValidationResult.Pass], results);
        Assert.Equal(0m, window.Total);
    }

    [Fact]
    public void The_limit_is_configurable()
    {
        var decision = FraudPolicy.Check(null, NewOrder(100m), T0, new FraudOptions { Limit = 100m });

        Assert.Equal(OrderValidationResult.Fail, decision.Result);
    }
}
