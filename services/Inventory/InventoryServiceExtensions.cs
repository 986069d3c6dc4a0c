using DaprOrders.ServiceDefaults.Actors;

namespace DaprOrders.Inventory;

internal static class InventoryServiceExtensions
{
    public static WebApplicationBuilder AddInventory(this WebApplicationBuilder builder)
    {
        builder.Services.AddJsonActors(actors => actors.RegisterActor<ProductStockActor>(ProductStockActor.TypeName));
        builder.Services.AddSingleton<IInventory, ActorInventory>();
        return builder;
    }
}
