using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.Actors;

namespace DaprOrders.Inventory;

/// <summary>The subscriptions' way to the products' actors; a seam so HTTP tests need no sidecar.</summary>
internal interface IInventory
{
    Task SetStockAsync(StockLevel level, CancellationToken cancellationToken);

    Task<OrderValidation> ReserveAsync(Order order, CancellationToken cancellationToken);

    Task ReleaseAsync(Order order, CancellationToken cancellationToken);
}

/// <summary>Calls the product's <see cref="ProductStockActor"/> through the Dapr sidecar.</summary>
internal sealed class ActorInventory(JsonActorProxies actors) : IInventory
{
    public Task SetStockAsync(StockLevel level, CancellationToken cancellationToken) =>
        ActorFor(level.Product).SetStockAsync(level, cancellationToken);

    public Task<OrderValidation> ReserveAsync(Order order, CancellationToken cancellationToken) =>
        ActorFor(order.Product).ReserveAsync(order, cancellationToken);

    public Task ReleaseAsync(Order order, CancellationToken cancellationToken) =>
        ActorFor(order.Product).ReleaseAsync(order, cancellationToken);

    private IProductStockActor ActorFor(Product product) =>
        actors.Create<IProductStockActor>(ProductStockActor.IdFor(product), ProductStockActor.TypeName);
}
