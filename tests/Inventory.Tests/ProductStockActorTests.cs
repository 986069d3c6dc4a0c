using Dapr.Actors;
using Dapr.Actors.Runtime;
using DaprOrders.Contracts;
using DaprOrders.TestDoubles;

namespace DaprOrders.Inventory.Tests;

public sealed class ProductStockActorTests : IDisposable
{
    private const Product Item = Product.Jumpers;
    private readonly InMemoryActorStateManager _state = new();
    private readonly SemaphoreSlim _turn = new(1, 1);
    private int _orders;

    public void Dispose() => _turn.Dispose();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private ProductStock? Stock => _state.Committed<ProductStock>(ProductStockActor.StockKey);

    private Order NewOrder(int quantity) => new($"o-{Interlocked.Increment(ref _orders)}", "c-1", OrderState.Created, Item, quantity, 10m);

    // One call per turn, each on a fresh activation over the committed state: what Dapr guarantees and allows.
    private async Task<T> InTurn<T>(Func<ProductStockActor, Task<T>> call)
    {
        await _turn.WaitAsync(Cancel);
        try
        {
            _state.Restart();
            var host = ActorHost.CreateForTest<ProductStockActor>(new ActorTestOptions
            {
                ActorId = new ActorId(ProductStockActor.IdFor(Item)),
                JsonSerializerOptions = ContractsJson.Options,
            });
            return await call(new ProductStockActor(host, new YieldingActorStateManager(_state)));
        }
        finally
        {
            _turn.Release();
        }
    }

    private async Task SetStock(int quantity) =>
        await InTurn(async actor => { await actor.SetStockAsync(new StockLevel(Item, quantity), Cancel); return true; });

    private async Task<OrderValidationResult> Reserve(Order order) =>
        (await InTurn(actor => actor.ReserveAsync(order, Cancel))).Result;

    private async Task Release(Order order) =>
        await InTurn(async actor => { await actor.ReleaseAsync(order with { State = OrderState.Failed }, Cancel); return true; });

    [Fact]
    public void The_actor_id_is_the_product_wire_name() => Assert.Equal("JUMPERS", ProductStockActor.IdFor(Product.Jumpers));

    [Fact]
    public async Task An_order_within_stock_passes_and_reserves_its_quantity()
    {
        await SetStock(5);
        var order = NewOrder(5);

        var validation = await InTurn(actor => actor.ReserveAsync(order, Cancel));

        Assert.Equal(new OrderValidation(order.Id, OrderValidationType.InventoryCheck, OrderValidationResult.Pass), validation);
        Assert.Equal(new ProductStock(5, 5), Stock);
    }

    [Fact]
    public async Task An_order_beyond_what_is_left_fails_and_reserves_nothing()
    {
        await SetStock(5);
        await Reserve(NewOrder(3));

        Assert.Equal(OrderValidationResult.Fail, await Reserve(NewOrder(3)));
        Assert.Equal(new ProductStock(5, 3), Stock);
    }

    [Fact]
    public async Task Without_any_stock_level_an_order_fails() =>
        Assert.Equal(OrderValidationResult.Fail, await Reserve(NewOrder(1)));

    [Fact]
    public async Task A_replayed_order_is_not_reserved_twice()
    {
        await SetStock(5);
        var order = NewOrder(3);

        Assert.Equal(OrderValidationResult.Pass, await Reserve(order));
        Assert.Equal(OrderValidationResult.Pass, await Reserve(order));

        Assert.Equal(new ProductStock(5, 3), Stock);
        Assert.Equal(OrderValidationResult.Pass, await Reserve(NewOrder(2)));
    }

    [Fact]
    public async Task A_failed_order_releases_its_reservation_once()
    {
        await SetStock(5);
        var order = NewOrder(4);
        await Reserve(order);

        await Release(order);
        await Release(order);

        Assert.Equal(new ProductStock(5, 0), Stock);
        Assert.Equal(OrderValidationResult.Pass, await Reserve(NewOrder(5)));
    }

    [Fact]
    public async Task A_created_order_replayed_after_its_release_does_not_reserve_again()
    {
        await SetStock(5);
        var order = NewOrder(4);
        await Reserve(order);
        await Release(order);

        await Reserve(order);

        Assert.Equal(new ProductStock(5, 0), Stock);
    }

    [Fact]
    public async Task The_latest_stock_level_wins_and_reservations_stay()
    {
        await SetStock(10);
        await Reserve(NewOrder(3));

        await SetStock(2);
        await SetStock(4);

        Assert.Equal(new ProductStock(4, 3), Stock);
        Assert.Equal(OrderValidationResult.Fail, await Reserve(NewOrder(2)));
        Assert.Equal(OrderValidationResult.Pass, await Reserve(NewOrder(1)));
    }

    [Fact]
    public async Task Twenty_five_concurrent_orders_of_one_against_stock_ten_pass_exactly_ten()
    {
        await SetStock(10);

        var results = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => Task.Run(() => Reserve(NewOrder(1)), Cancel)));

        Assert.Equal(10, results.Count(r => r == OrderValidationResult.Pass));
        Assert.Equal(15, results.Count(r => r == OrderValidationResult.Fail));
        Assert.Equal(new ProductStock(10, 10), Stock);
    }

    [Fact]
    public async Task A_reservation_that_could_not_be_saved_leaves_stock_as_it_was()
    {
        await SetStock(1);
        var order = NewOrder(1);
        _state.FailNextSave();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Reserve(order));

        Assert.Equal(new ProductStock(1, 0), Stock);
        Assert.Equal(OrderValidationResult.Pass, await Reserve(order));
        Assert.Equal(new ProductStock(1, 1), Stock);
    }

    [Fact]
    public async Task An_activation_that_takes_many_orders_keeps_a_bounded_cache_and_the_same_answers()
    {
        const int orders = ProductStockActor.DecisionsCachedAtMost * 3;
        await SetStock(orders);
        var host = ActorHost.CreateForTest<ProductStockActor>(new ActorTestOptions
        {
            ActorId = new ActorId(ProductStockActor.IdFor(Item)),
            JsonSerializerOptions = ContractsJson.Options,
        });
        var actor = new ProductStockActor(host, _state);
        var first = NewOrder(1);
        var largestCache = 0;

        Assert.Equal(OrderValidationResult.Pass, (await actor.ReserveAsync(first, Cancel)).Result);
        for (var i = 1; i < orders; i++)
        {
            Assert.Equal(OrderValidationResult.Pass, (await actor.ReserveAsync(NewOrder(1), Cancel)).Result);
            largestCache = Math.Max(largestCache, _state.CachedKeys);
        }

        // The stock and at most the bound of decisions, not one per order taken.
        Assert.InRange(largestCache, 1, ProductStockActor.DecisionsCachedAtMost + 1);
        Assert.Equal(new ProductStock(orders, orders), Stock);
        // Decided before the cache was dropped: read back from the store, not reserved again.
        Assert.Equal(OrderValidationResult.Pass, (await actor.ReserveAsync(first, Cancel)).Result);
        Assert.Equal(OrderValidationResult.Fail, (await actor.ReserveAsync(NewOrder(1), Cancel)).Result);
        Assert.Equal(new ProductStock(orders, orders), Stock);
    }
}
