using DaprOrders.Contracts;
using DaprOrders.Orders.View;
using DaprOrders.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprOrders.Orders.Tests;

/// <summary>The view keeps what <see cref="OrderStates"/> ranks highest; here, what it does before any event.</summary>
public sealed class OrderViewProjectionTests
{
    private readonly InMemoryStateStore _store = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(OrderState.Created)]
    [InlineData(OrderState.Validated)]
    [InlineData(OrderState.Failed)]
    public async Task Any_state_fills_an_empty_view(OrderState state)
    {
        var view = new OrderViewProjection(_store, NullLogger<OrderViewProjection>.Instance);
        var order = new Order("o-1", "c-1", state, Product.Jumpers, 1, 10m);

        Assert.Equal(order, await view.ApplyAsync(order, Cancel));
        Assert.Equal(order, _store.Peek<Order>(OrderViewProjection.KeyFor(order.Id)));
    }

    [Fact]
    public async Task A_late_created_never_overwrites_a_verdict()
    {
        var view = new OrderViewProjection(_store, NullLogger<OrderViewProjection>.Instance);
        var validated = new Order("o-1", "c-1", OrderState.Validated, Product.Jumpers, 1, 10m);
        await view.ApplyAsync(validated, Cancel);

        Assert.Equal(validated, await view.ApplyAsync(validated with { State = OrderState.Created }, Cancel));
        Assert.Equal(validated, _store.Peek<Order>(OrderViewProjection.KeyFor(validated.Id)));
    }
}
