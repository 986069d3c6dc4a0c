using System.Net;
using System.Net.Http.Json;
using DaprOrders.Contracts;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>
/// The orders service as two instances of app id `orders`: they share the consumer groups, actor placement and
/// state, and each wakes its own waiting GETs from the broadcast pub/sub.
/// </summary>
public sealed class ScaleOutTests(TwoOrdersInstancesFixture fixture) : IClassFixture<TwoOrdersInstancesFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OrderSystem System => fixture.System;

    [Fact]
    public async Task Orders_posted_to_either_instance_are_validated_and_answered_by_both()
    {
        Assert.Equal(2, System.OrdersInstances.Count);
        await System.SetStockAsync(Product.Jumpers, 1_000_000, Ct);
        var orders = System.OrdersInstances
            .Select((_, i) => new Order(TestIds.New($"order{i}"), TestIds.New("customer"), OrderState.Created, Product.Jumpers, 1, 10m))
            .ToList();

        // Each instance waits for both orders before any is posted, so a GET is answered by the event, not a read.
        var waits = orders.SelectMany(order => System.OrdersInstances.Select(instance => instance.GetDecidedOrderAsync(order.Id, Ct))).ToList();
        for (var i = 0; i < orders.Count; i++)
        {
            await System.OrdersInstances[i].CreateOrderAsync(orders[i], Ct);
        }

        var decided = await Task.WhenAll(waits);
        Assert.All(decided, order => Assert.Equal(OrderState.Validated, order.State));
        Assert.Equal(orders.Select(o => o.Id).Order().SelectMany(id => new[] { id, id }), decided.Select(o => o.Id).Order());
    }

    [Fact]
    public async Task Get_on_the_other_instance_finds_an_order_posted_to_one()
    {
        await System.SetStockAsync(Product.Jumpers, 1_000_000, Ct);
        var order = new Order(TestIds.New("order"), TestIds.New("customer"), OrderState.Created, Product.Jumpers, 1, 10m);
        await System.OrdersInstances[0].CreateOrderAsync(order, Ct);
        await System.OrdersInstances[0].GetDecidedOrderAsync(order.Id, Ct);

        using var response = await System.OrdersInstances[1].GetAsync(new Uri($"v1/orders/{order.Id}?timeout={OrdersHttp.MaxWaitMs}", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var read = await response.Content.ReadFromJsonAsync<Order>(ContractsJson.Options, Ct);
        Assert.Equal(order with { State = OrderState.Validated }, read);
    }
}
