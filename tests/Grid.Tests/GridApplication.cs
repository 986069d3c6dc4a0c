using System.Net;
using DaprOrders.Grid.View;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DaprOrders.Grid.Tests;

/// <summary>The grid service with its own SQLite file, in Production. In memory, or on Kestrel for a browser.</summary>
internal sealed class GridApplication : WebApplicationFactory<Program>
{
    private readonly TempDatabase _database;
    private readonly bool _ownsDatabase;

    public GridApplication(TempDatabase? database = null)
    {
        _ownsDatabase = database is null;
        _database = database ?? new TempDatabase();
    }

    public string DatabasePath => _database.Path;

    public OrderGridView View => Services.GetRequiredService<OrderGridView>();

    /// <summary>Serves on Kestrel at a free loopback port and returns its address, for a real browser.</summary>
    public Uri StartOnLoopback()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        return new Uri(addresses.Addresses.Single());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting($"{GridOptions.Section}:{nameof(GridOptions.Database)}", _database.Path);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            _database.Dispose();
        }
    }
}
