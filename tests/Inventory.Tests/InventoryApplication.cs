using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.Publishing;
using DaprOrders.TestDoubles;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DaprOrders.Inventory.Tests;

/// <summary>
/// The inventory service in memory: a recording publisher and real <see cref="ProductStockActor"/>s on the Dapr actor
/// test host instead of the sidecar. Production environment.
/// </summary>
internal sealed class InventoryApplication : WebApplicationFactory<Program>
{
    public RecordingEventPublisher Publisher { get; } = new();

    public InProcessInventory Inventory { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IEventPublisher>(Publisher);
            services.AddSingleton<IInventory>(Inventory);
        });
    }
}

/// <summary>The products' actors in process, one call at a time as Dapr's turn-based access does.</summary>
internal sealed class InProcessInventory : IInventory, IDisposable
{
    // Each state access yields, so calls that are not serialised by a turn would interleave and show it.
    private readonly InProcessActors<ProductStockActor> _actors = new((host, state) => new ProductStockActor(host, new YieldingActorStateManager(state)));

    public ProductStock? StockOf(Product product) =>
        _actors.StateOf(ProductStockActor.IdFor(product))?.Committed<ProductStock>(ProductStockActor.StockKey);

    public Task SetStockAsync(StockLevel level, CancellationToken cancellationToken) =>
        _actors.InTurnAsync(ProductStockActor.IdFor(level.Product), actor => actor.SetStockAsync(level, cancellationToken), cancellationToken);

    public Task<OrderValidation> ReserveAsync(Order order, CancellationToken cancellationToken) =>
        _actors.InTurnAsync(ProductStockActor.IdFor(order.Product), actor => actor.ReserveAsync(order, cancellationToken), cancellationToken);

    public Task ReleaseAsync(Order order, CancellationToken cancellationToken) =>
        _actors.InTurnAsync(ProductStockActor.IdFor(order.Product), actor => actor.ReleaseAsync(order, cancellationToken), cancellationToken);

    public void Dispose() => _actors.Dispose();
}
