using DaprOrders.Contracts;

namespace DaprOrders.Inventory;

/// <summary>A product's stock: what the warehouse last reported, and how much of it open orders hold.</summary>
public sealed record ProductStock(int InStock, int Reserved)
{
    public static ProductStock Empty { get; } = new(0, 0);
}

/// <summary>What the inventory decided for one order, and how many units it holds now (0 once released).</summary>
public sealed record StockDecision(OrderValidationResult Result, int Held);

/// <summary>
/// Reservations as in Confluent's InventoryService (an order passes and reserves when stock minus reserved covers
/// it), plus what that example leaves out: a decision per order id, so a replay never reserves twice, and a release
/// when the order fails.
/// </summary>
public static class InventoryRules
{
    /// <summary>The warehouse's count replaces the old one (latest wins); reservations stay as they are.</summary>
    public static ProductStock SetLevel(ProductStock stock, int inStock) => stock with { InStock = inStock };

    public static (ProductStock Stock, StockDecision Decision) Reserve(ProductStock stock, StockDecision? recorded, Order order)
    {
        if (recorded is not null)
        {
            return (stock, recorded);
        }

        // A non-positive quantity would "reserve" stock back into the pool.
        if (order.Quantity > 0 && stock.InStock - stock.Reserved >= order.Quantity)
        {
            return (stock with { Reserved = stock.Reserved + order.Quantity }, new StockDecision(OrderValidationResult.Pass, order.Quantity));
        }

        return (stock, new StockDecision(OrderValidationResult.Fail, 0));
    }

    /// <summary>
    /// Gives back what a failed order holds, once. An order never seen is recorded as failed, so a CREATED that
    /// turns up late (a redelivery) cannot reserve for an order that has already failed.
    /// </summary>
    public static (ProductStock Stock, StockDecision Decision) Release(ProductStock stock, StockDecision? recorded)
    {
        if (recorded is null)
        {
            return (stock, new StockDecision(OrderValidationResult.Fail, 0));
        }

        return recorded.Held == 0
            ? (stock, recorded)
            : (stock with { Reserved = stock.Reserved - recorded.Held }, recorded with { Held = 0 });
    }
}
