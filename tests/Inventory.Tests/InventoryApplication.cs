using Dapr.Actors;
using Dapr.Actors.Runtime;
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

/// <summary>Runs the products' actors in process, one call per product at a time as Dapr's turn-based access does.</summary>
internal sealed class InProcessInventory : IInventory, IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Dictionary<string, InMemoryActorStateManager> _states = [];

    public ProductStock? StockOf(Product product) =>
        _states.TryGetValue(ProductStockActor.IdFor(product), out var state) ? state.Committed<ProductStock>(ProductStockActor.StockKey) : null;

    public Task SetStockAsync(StockLevel level, CancellationToken cancellationToken) =>
        InTurn(level.Product, async actor => { await actor.SetStockAsync(level, cancellationToken); return true; }, cancellationToken);

    public Task<OrderValidation> ReserveAsync(Order order, CancellationToken cancellationToken) =>
        InTurn(order.Product, actor => actor.ReserveAsync(order, cancellationToken), cancellationToken);

    public Task ReleaseAsync(Order order, CancellationToken cancellationToken) =>
        InTurn(order.Product, async actor => { await actor.ReleaseAsync(order, cancellationToken); return true; }, cancellationToken);

    public void Dispose() => _turn.Dispose();

    private async Task<T> InTurn<T>(Product product, Func<ProductStockActor, Task<T>> call, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            var id = ProductStockActor.IdFor(product);
            if (!_states.TryGetValue(id, out var state))
            {
                _states[id] = state = new InMemoryActorStateManager();
            }

            // A failed turn leaves no unsaved changes behind, as in the real runtime.
            state.Restart();
            var host = ActorHost.CreateForTest<ProductStockActor>(new ActorTestOptions
            {
                ActorId = new ActorId(id),
                JsonSerializerOptions = ContractsJson.Options,
            });
            return await call(new ProductStockActor(host, new YieldingActorStateManager(state)));
        }
        finally
        {
            _turn.Release();
        }
    }
}
