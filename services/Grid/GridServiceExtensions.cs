using DaprOrders.Grid.View;
using DaprOrders.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace DaprOrders.Grid;

internal static class GridServiceExtensions
{
    public static WebApplicationBuilder AddGrid(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<GridOptions>(GridOptions.Section);
        services.AddSingleton(provider => GridDatabase.Open(
            provider.GetRequiredService<IOptions<GridOptions>>().Value.Database,
            provider.GetRequiredService<IHostEnvironment>().ContentRootPath));
        services.AddSingleton<GridChangeFeed>();
        services.AddSingleton<OrderGridView>();
        // Schema before the app listens (a bad path stops the start instead of failing every delivery); clean close at stop.
        services.AddHostedService<GridDatabaseLifetime>();
        return builder;
    }
}
