using System.Diagnostics;
using DaprOrders.Contracts;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>
/// Bad telemetry configuration never costs an order: the shared system exports to a collector that accepts
/// connections and never answers (<see cref="OrderSystemFixture.SilentCollector"/>).
/// </summary>
[Collection(SharedOrderSystem.Name)]
public sealed class SilentCollectorTests(OrderSystemFixture fixture)
{
    /// <summary>
    /// An order's checks have 30 s by default (Validation:Timeout); decided in a third of that, an order has not
    /// waited on an export, which hangs for the exporter's 10 s timeout. Normally an order takes well under a second.
    /// </summary>
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OrderSystem System => fixture.System;

    [Fact]
    public async Task Orders_are_validated_promptly_while_the_collector_never_answers()
    {
        await System.SetStockAsync(Product.Jumpers, 1_000_000, Ct);
        // The exporters are configured and do try: a collector nobody calls would prove nothing.
        await fixture.SilentCollector.FirstConnection.WaitAsync(OrderSystem.Timeout, Ct);

        var customer = TestIds.New("customer");
        // One order first, not timed: on a system that has just started, the first orders pay for JIT compilation and
        // first connections (seconds when other test runs share the machine), which is not what this test is about.
        // Waiting on an export would hold up the ten after it as much as the first.
        var first = new Order(TestIds.New("first"), customer, OrderState.Created, Product.Jumpers, 1, 10m);
        await System.Orders.CreateOrderAsync(first, Ct);
        await System.Orders.GetDecidedOrderAsync(first.Id, Ct);

        var decided = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            var order = new Order(TestIds.New($"order{i}"), customer, OrderState.Created, Product.Jumpers, 1, 10m);
            var clock = Stopwatch.StartNew();
            await System.Orders.CreateOrderAsync(order, Ct);
            var state = (await System.Orders.GetDecidedOrderAsync(order.Id, Ct)).State;
            return (state, clock.Elapsed);
        }));

        Assert.All(decided, d => Assert.Equal(OrderState.Validated, d.state));
        // An export on the order path would hold up every order; a machine shared with other test runs slows some.
        var median = decided.Select(d => d.Elapsed).Order().ElementAt(decided.Length / 2);
        Assert.True(median < Promptly, $"Half the orders took {median} or more from POST to verdict: {string.Join(", ", decided.Select(d => d.Elapsed))}.");
        Assert.True(fixture.SilentCollector.Connections > 0);
    }
}
