using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.Publishing;
using DaprOrders.TestDoubles;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DaprOrders.Fraud.Tests;

/// <summary>
/// The fraud service in memory: a recording publisher, a manual clock, and real <see cref="CustomerSpendActor"/>s on
/// the Dapr actor test host instead of the sidecar. Production environment.
/// </summary>
internal sealed class FraudApplication : WebApplicationFactory<Program>
{
    public RecordingEventPublisher Publisher { get; } = new();

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IEventPublisher>(Publisher);
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IFraudCheck, InProcessFraudCheck>();
        });
    }
}

/// <summary>The customers' actors in process, one call at a time as Dapr's turn-based access does.</summary>
internal sealed class InProcessFraudCheck(TimeProvider time, IOptions<FraudOptions> options) : IFraudCheck, IDisposable
{
    private readonly InProcessActors<CustomerSpendActor> _actors = new((host, state) => new CustomerSpendActor(host, time, options, state));

    public Task<OrderValidation> CheckAsync(Order order, CancellationToken cancellationToken) =>
        _actors.InTurnAsync(order.CustomerId, actor => actor.CheckAsync(order, cancellationToken), cancellationToken);

    public void Dispose() => _actors.Dispose();
}
