using Dapr.Actors;
using DaprOrders.Contracts;

namespace DaprOrders.Inventory;

/// <summary>One product's stock and reservations (actor id = product wire name, e.g. JUMPERS).</summary>
public interface IProductStockActor : IActor
{
    /// <summary>Sets the stock level the warehouse reported; the latest wins.</summary>
    Task SetStockAsync(StockLevel level, CancellationToken cancellationToken = default);

    /// <summary>Checks a CREATED order and reserves its quantity when it passes; a replay returns the recorded check.</summary>
    Task<OrderValidation> ReserveAsync(Order order, CancellationToken cancellationToken = default);

    /// <summary>Releases what a FAILED order holds, if anything.</summary>
    Task ReleaseAsync(Order order, CancellationToken cancellationToken = default);
}
