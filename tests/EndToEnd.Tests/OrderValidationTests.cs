using DaprOrders.Contracts;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>
/// Orders through the REST API, validated by order-details, fraud and inventory over Kafka.
/// </summary>
[Collection(SharedOrderSystem.Name)]
public sealed class OrderValidationTests(OrderSystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OrderSystem System => fixture.System;

    [Fact]
    public async Task Valid_order_is_validated()
    {
        await System.SetStockAsync(Product.Jumpers, 1_000_000, Ct);
        var order = new Order(TestIds.New("order"), TestIds.New("customer"), OrderState.Created, Product.Jumpers, 1, 10m);

        await System.Orders.CreateOrderAsync(order, Ct);
        var decided = await System.Orders.GetDecidedOrderAsync(order.Id, Ct);

        Assert.Equal(order with { State = OrderState.Validated }, decided);
    }

    [Fact]
    public async Task Ten_valid_orders_in_succession_are_all_validated()
    {
        await System.SetStockAsync(Product.Jumpers, 1_000_000, Ct);
        var customer = TestIds.New("customer");
        var orders = Enumerable.Range(0, 10)
            .Select(i => new Order(TestIds.New($"order{i}"), customer, OrderState.Created, Product.Jumpers, 2, 10m + i))
            .ToList();

        foreach (var order in orders)
        {
            await System.Orders.CreateOrderAsync(order, Ct);
        }

        var states = await System.Orders.GetDecidedStatesAsync(orders.Select(o => o.Id), Ct);
        Assert.All(states, state => Assert.Equal(OrderState.Validated, state));
    }

    [Fact]
    public async Task Order_that_takes_a_customer_to_the_fraud_limit_is_failed()
    {
        // Fraud:Limit is 2000 by default; a customer's orders in one session add up: 500, 1000, 1500 pass, 2000 fails.
        await System.SetStockAsync(Product.Jumpers, 1_000_000, Ct);
        var customer = TestIds.New("customer");
        var states = new List<OrderState>();
        for (var i = 0; i < 4; i++)
        {
            var order = new Order(TestIds.New($"order{i}"), customer, OrderState.Created, Product.Jumpers, 1, 500m);
            await System.Orders.CreateOrderAsync(order, Ct);
            states.Add((await System.Orders.GetDecidedOrderAsync(order.Id, Ct)).State);
        }

        Assert.Equal([OrderState.Validated, OrderState.Validated, OrderState.Validated, OrderState.Failed], states);
    }

    [Fact]
    public async Task Another_customer_is_not_affected_by_a_customer_over_the_fraud_limit()
    {
        await System.SetStockAsync(Product.Jumpers, 1_000_000, Ct);
        var big = new Order(TestIds.New("order"), TestIds.New("customer"), OrderState.Created, Product.Jumpers, 1, 5_000m);
        var small = new Order(TestIds.New("order"), TestIds.New("customer"), OrderState.Created, Product.Jumpers, 1, 5m);

        await System.Orders.CreateOrderAsync(big, Ct);
        await System.Orders.CreateOrderAsync(small, Ct);

        Assert.Equal(OrderState.Failed, (await System.Orders.GetDecidedOrderAsync(big.Id, Ct)).State);
        Assert.Equal(OrderState.Validated, (await System.Orders.GetDecidedOrderAsync(small.Id, Ct)).State);
    }
}
