using DaprOrders.Contracts;
using DaprOrders.Orders.View;
using DaprOrders.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprOrders.Orders.Tests;

/// <summary>The view keeps what <see cref="OrderStates"/> ranks highest; here, what it does before any event and on a first CREATED.</summary>
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

    [Fact]
    public async Task A_new_orders_created_is_written_without_a_read()
    {
        var view = new OrderViewProjection(_store, NullLogger<OrderViewProjection>.Instance);
        var created = new Order("o-1", "c-1", OrderState.Created, Product.Jumpers, 1, 10m);

        await view.ApplyAsync(created, Cancel);

        Assert.Equal(0, _store.Reads);
        Assert.Equal(created, _store.Peek<Order>(OrderViewProjection.KeyFor(created.Id)));
    }

    [Fact]
    public async Task A_created_that_loses_its_insert_to_a_verdict_keeps_the_verdict()
    {
        var view = new OrderViewProjection(_store, NullLogger<OrderViewProjection>.Instance);
        var created = new Order("o-1", "c-1", OrderState.Created, Product.Jumpers, 1, 10m);
        var failed = created with { State = OrderState.Failed };
        _store.BeforeNextSave = store => store.Put(OrderViewProjection.KeyFor(created.Id), failed);

        Assert.Equal(failed, await view.ApplyAsync(created, Cancel));
        Assert.Equal(failed, _store.Peek<Order>(OrderViewProjection.KeyFor(created.Id)));
    }
}
