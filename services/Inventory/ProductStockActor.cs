using Dapr.Actors.Runtime;
using DaprOrders.Contracts;

namespace DaprOrders.Inventory;

/// <summary>
/// One product's stock. Dapr runs one call per actor at a time, so "check stock, then reserve" is atomic without
/// locks. Each order's decision has its own state key, so a call reads and writes only what it needs however many
/// orders the product has seen; the stock and the decision are saved in one transaction.
/// </summary>
[Actor(TypeName = TypeName)]
public sealed class ProductStockActor : Actor, IProductStockActor
{
    public const string TypeName = "ProductStockActor";
    internal const string StockKey = "stock";

    /// <summary>
    /// How many decisions an activation keeps in the state manager's cache. The SDK's state manager holds every key
    /// the actor read or wrote until it deactivates, and every save walks all of them (Dapr.Actors
    /// ActorStateManager.SaveStateAsync): a product actor kept busy for hours would hold one decision per order it
    /// took, and each call would cost more than the one before. Past this many the cache is dropped after a save; the
    /// next call reads the stock again.
    /// </summary>
    internal const int DecisionsCachedAtMost = 256;

    private int _decisionsCached;

    public ProductStockActor(ActorHost host)
        : base(host)
    {
    }

    /// <summary>For tests: the Dapr test host has no sidecar, so the state manager is a test double.</summary>
    internal ProductStockActor(ActorHost host, IActorStateManager stateManager)
        : this(host)
    {
        StateManager = stateManager;
    }

    /// <summary>The actor id of a product: its wire name, as it appears in events and logs.</summary>
    public static string IdFor(Product product) => WireNames.Of(product);

    internal static string DecisionKey(string orderId) => $"order-{orderId}";

    public async Task SetStockAsync(StockLevel level, CancellationToken cancellationToken = default)
    {
        var stock = await GetStockAsync(cancellationToken);
        var next = InventoryRules.SetLevel(stock, level.Quantity);
        if (next != stock)
        {
            await StateManager.SetStateAsync(StockKey, next, cancellationToken);
            await StateManager.SaveStateAsync(cancellationToken);
        }

        InventoryMetrics.Record(Id.GetId(), next);

        Logger.LogInformation("Stock of {Product}: {InStock} in stock, {Reserved} reserved", Id, next.InStock, next.Reserved);
    }

    public async Task<OrderValidation> ReserveAsync(Order order, CancellationToken cancellationToken = default)
    {
        var stock = await GetStockAsync(cancellationToken);
        var recorded = await GetDecisionAsync(order.Id, cancellationToken);
        var (nextStock, decision) = InventoryRules.Reserve(stock, recorded, order);
        await SaveAsync(order.Id, stock, nextStock, recorded, decision, cancellationToken);
        if (recorded is null)
        {
            Logger.LogInformation("Order {OrderId}: {Quantity} of {Product}: {Result}; {Reserved} of {InStock} reserved",
                order.Id, order.Quantity, Id, decision.Result, nextStock.Reserved, nextStock.InStock);
        }

        return new OrderValidation(order.Id, OrderValidationType.InventoryCheck, decision.Result);
    }

    public async Task ReleaseAsync(Order order, CancellationToken cancellationToken = default)
    {
        var stock = await GetStockAsync(cancellationToken);
        var recorded = await GetDecisionAsync(order.Id, cancellationToken);
        var (nextStock, decision) = InventoryRules.Release(stock, recorded);
        await SaveAsync(order.Id, stock, nextStock, recorded, decision, cancellationToken);
        if (recorded is { Held: > 0 })
        {
            Logger.LogInformation("Order {OrderId} failed: released {Quantity} of {Product}", order.Id, recorded.Held, Id);
        }
    }

    private async Task<ProductStock> GetStockAsync(CancellationToken cancellationToken)
    {
        var stored = await StateManager.TryGetStateAsync<ProductStock>(StockKey, cancellationToken);
        return stored.HasValue ? stored.Value : ProductStock.Empty;
    }

    private async Task<StockDecision?> GetDecisionAsync(string orderId, CancellationToken cancellationToken)
    {
        var stored = await StateManager.TryGetStateAsync<StockDecision>(DecisionKey(orderId), cancellationToken);
        return stored.HasValue ? stored.Value : null;
    }

    // Both keys in one save (one state transaction): a reservation never exists without its decision, or the reverse.
    private async Task SaveAsync(string orderId, ProductStock stock, ProductStock nextStock, StockDecision? recorded, StockDecision decision,
        CancellationToken cancellationToken)
    {
        if (nextStock == stock && decision == recorded)
        {
            return;
        }

        if (nextStock != stock)
        {
            await StateManager.SetStateAsync(StockKey, nextStock, cancellationToken);
        }

        if (decision != recorded)
        {
            await StateManager.SetStateAsync(DecisionKey(orderId), decision, cancellationToken);
        }

        await StateManager.SaveStateAsync(cancellationToken);
        InventoryMetrics.Record(Id.GetId(), nextStock);
        if (++_decisionsCached >= DecisionsCachedAtMost)
        {
            await StateManager.ClearCacheAsync(cancellationToken);
            _decisionsCached = 0;
        }
    }
}
