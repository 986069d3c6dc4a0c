using DaprOrders.Contracts;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>
/// Stock decides orders. This class runs its own system, and each test owns a product in it, so no other
/// test's reservations change what is available.
/// </summary>
public sealed class StockTests(OrderSystemFixture fixture) : IClassFixture<OrderSystemFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OrderSystem System => fixture.System;

    [Fact]
    public async Task Orders_for_a_product_with_zero_stock_all_fail()
    {
        await System.SetStockAsync(Product.Underpants, 0, Ct);
        var customer = TestIds.New("customer");
        var orders = Enumerable.Range(0, 10)
            .Select(i => new Order(TestIds.New($"order{i}"), customer, OrderState.Created, Product.Underpants, 1, 10m))
            .ToList();

        foreach (var order in orders)
        {
            await System.Orders.CreateOrderAsync(order, Ct);
        }

        var states = await System.Orders.GetDecidedStatesAsync(orders.Select(o => o.Id), Ct);
        Assert.All(states, state => Assert.Equal(OrderState.Failed, state));
    }

    [Fact]
    public async Task Stock_of_ten_validates_exactly_ten_of_25_concurrent_orders()
    {
        await System.SetStockAsync(Product.Stockings, 10, Ct);
        var orders = Enumerable.Range(0, 25)
            .Select(i => new Order(TestIds.New($"order{i}"), TestIds.New("customer"), OrderState.Created, Product.Stockings, 1, 10m))
            .ToList();

        await Task.WhenAll(orders.Select(order => System.Orders.CreateOrderAsync(order, Ct)));

        var states = await System.Orders.GetDecidedStatesAsync(orders.Select(o => o.Id), Ct);
        Assert.Equal(10, states.Count(s => s == OrderState.Validated));
        Assert.Equal(15, states.Count(s => s == OrderState.Failed));
    }
}
