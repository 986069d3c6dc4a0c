extern alias LocalDapr;

using System.Globalization;
using Dapr.Workflow;
using DaprOrders.Orders.View;
using DaprOrders.ServiceDefaults.Publishing;
using DaprOrders.ServiceDefaults.State;
using DaprOrders.TestDoubles;
using LocalDapr::DaprOrders.LocalDapr.Sidecars;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprOrders.Orders.Tests;

/// <summary>
/// The orders service in memory with its publisher and state store faked, and its workflow worker and client
/// pointed at a sidecar of a <see cref="WorkflowRuntime"/>, so the validation workflows run for real. Production
/// environment, so nothing depends on development-only behaviour. Instances of one deployment share a state store
/// (pass <c>sharedStore</c>), as orders instances share Dapr's. <c>settings</c> are configuration keys such as
/// <c>Auth:Authority</c>; <c>logs</c> receives the app's log.
/// </summary>
internal sealed class OrdersApplication(
    AppInstance sidecar, InMemoryStateStore? sharedStore = null, TimeSpan? validationTimeout = null,
    IReadOnlyDictionary<string, string>? settings = null, ILoggerProvider? logs = null)
    : WebApplicationFactory<Program>
{
    public RecordingEventPublisher Publisher { get; } = new();

    public InMemoryStateStore StateStore { get; } = sharedStore ?? new();

    /// <summary>The app's own workflow client, to watch, purge or wait for its workflows.</summary>
    public DaprWorkflowClient Workflows => Services.GetRequiredService<DaprWorkflowClient>();

    /// <summary>
    /// Returns once <paramref name="count"/> GETs of <paramref name="orderId"/> are parked in this app. The GET runs on
    /// the server and nothing observable says "parked" except the registry itself, so this polls it with a deadline
    /// (a few milliseconds in practice).
    /// </summary>
    public async Task WaitUntilParkedAsync(string orderId, int count, CancellationToken cancellationToken)
    {
        var waiters = Services.GetRequiredService<OrderWaiters>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (waiters.Count(orderId) < count)
        {
            await Task.Delay(5, deadline.Token);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        // Read from configuration before the environment, by the workflow SDK and DaprClient alike: never the
        // defaults (localhost:50001 and :3500), where another run's sidecar could be listening.
        builder.UseSetting("DAPR_GRPC_ENDPOINT", $"http://127.0.0.1:{sidecar.GrpcPort}");
        builder.UseSetting("DAPR_HTTP_ENDPOINT", $"http://127.0.0.1:{sidecar.HttpPort}");
        if (validationTimeout is { } timeout)
        {
            builder.UseSetting("Validation:Timeout", timeout.ToString("c", CultureInfo.InvariantCulture));
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        if (logs is not null)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(logs));
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IEventPublisher>(Publisher);
            services.AddSingleton<IStateStore>(StateStore);
        });
    }
}
