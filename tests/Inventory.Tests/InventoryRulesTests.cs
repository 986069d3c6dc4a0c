using DaprOrders.Contracts;

namespace DaprOrders.Inventory.Tests;

public sealed class InventoryRulesTests
{
    private static readonly Order Order = new("o-1", "c-1", OrderState.Created, Product.Jumpers, 3, 30m);

    [Fact]
    public void Stock_exactly_equal_to_the_quantity_passes_and_reserves_it()
    {
        var (stock, decision) = InventoryRules.Reserve(new ProductStock(3, 0), null, Order);

        Assert.Equal(new StockDecision(OrderValidationResult.Pass, 3), decision);
        Assert.Equal(new ProductStock(3, 3), stock);
    }

    [Fact]
    public void Stock_one_short_of_the_quantity_fails_and_reserves_nothing()
    {
        var (stock, decision) = InventoryRules.Reserve(new ProductStock(2, 0), null, Order);

        Assert.Equal(new StockDecision(OrderValidationResult.Fail, 0), decision);
        Assert.Equal(new ProductStock(2, 0), stock);
    }

    [Fact]
    public void Reserved_units_are_not_available()
    {
        Assert.Equal(OrderValidationResult.Pass, InventoryRules.Reserve(new ProductStock(10, 7), null, Order).Decision.Result);
        Assert.Equal(OrderValidationResult.Fail, InventoryRules.Reserve(new ProductStock(10, 8), null, Order).Decision.Result);
    }

    [Fact]
    public void No_stock_fails() =>
        Assert.Equal(OrderValidationResult.Fail, InventoryRules.Reserve(ProductStock.Empty, null, Order).Decision.Result);

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_quantity_that_is_not_positive_fails_and_frees_nothing(int quantity)
    {
        var (stock, decision) = InventoryRules.Reserve(new ProductStock(10, 4), null, Order with { Quantity = quantity });

        Assert.Equal(OrderValidationResult.Fail, decision.Result);
        Assert.Equal(new ProductStock(10, 4), stock);
    }

    [Fact]
    public void A_replay_returns_the_recorded_decision_and_reserves_nothing_more()
    {
        var recorded = new StockDecision(OrderValidationResult.Pass, 3);

        var (stock, decision) = InventoryRules.Reserve(new ProductStock(10, 3), recorded, Order);

        Assert.Same(recorded, decision);
        Assert.Equal(new ProductStock(10, 3), stock);
    }

    [Fact]
    public void A_replay_of_a_failed_order_fails_again_even_when_stock_arrived_since()
    {
        var recorded = new StockDecision(OrderValidationResult.Fail, 0);

        var (stock, decision) = InventoryRules.Reserve(new ProductStock(100, 0), recorded, Order);

        Assert.Equal(OrderValidationResult.Fail, decision.Result);
        Assert.Equal(0, stock.Reserved);
    }

    [Fact]
    public void Releasing_gives_back_what_the_order_held_once()
    {
        var (stock, decision) = InventoryRules.Release(new ProductStock(10, 5), new StockDecision(OrderValidationResult.Pass, 3));
        var (again, _) = InventoryRules.Release(stock, decision);

        Assert.Equal(new ProductStock(10, 2), stock);
        Assert.Equal(new StockDecision(OrderValidationResult.Pass, 0), decision);
        Assert.Equal(stock, again);
    }

    [Fact]
    public void Releasing_an_order_that_held_nothing_changes_nothing()
    {
        var failed = new StockDecision(OrderValidationResult.Fail, 0);

        var (stock, decision) = InventoryRules.Release(new ProductStock(10, 5), failed);

        Assert.Equal(new ProductStock(10, 5), stock);
        Assert.Same(failed, decision);
    }

    [Fact]
    public void Releasing_an_unknown_order_records_it_as_failed_so_a_late_created_cannot_reserve()
    {
        var (stock, tombstone) = InventoryRules.Release(new ProductStock(10, 0), null);
        var (after, late) = InventoryRules.Reserve(stock, tombstone, Order);

        Assert.Equal(OrderValidationResult.Fail, late.Result);
        Assert.Equal(new ProductStock(10, 0), after);
    }

    [Fact]
    public void A_new_stock_level_replaces_the_old_and_keeps_the_reservations() =>
        Assert.Equal(new ProductStock(4, 3), InventoryRules.SetLevel(new ProductStock(10, 3), 4));
}
