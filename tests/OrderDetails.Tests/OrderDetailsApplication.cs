using DaprOrders.ServiceDefaults.Publishing;
using DaprOrders.TestDoubles;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DaprOrders.OrderDetails.Tests;

/// <summary>The order-details service in memory, publishing into a recording fake. Production environment.</summary>
internal sealed class OrderDetailsApplication : WebApplicationFactory<Program>
{
    public RecordingEventPublisher Publisher { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureTestServices(services => services.AddSingleton<IEventPublisher>(Publisher));
    }
}
