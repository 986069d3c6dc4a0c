using Dapr.Workflow;
using DaprOrders.LocalDapr.Sidecars;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// A DaprWorkflowClient on one sidecar, built as an app builds it (AddDaprWorkflow over IConfiguration, whose
/// DAPR_GRPC_ENDPOINT and DAPR_API_TOKEN the SDK reads before the environment's).
/// </summary>
public sealed class TestWorkflowClient : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private TestWorkflowClient(ServiceProvider services)
    {
        _services = services;
        Client = services.GetRequiredService<DaprWorkflowClient>();
    }

    public DaprWorkflowClient Client { get; }

    /// <summary>
    /// A client of <paramref name="instance"/>'s sidecar sending <paramref name="apiToken"/> (the instance's own token when null).
    /// </summary>
    public static TestWorkflowClient For(AppInstance instance, string? apiToken = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{instance.GrpcPort}",
                ["DAPR_API_TOKEN"] = apiToken ?? instance.DaprApiToken ?? "",
            })
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging();

        // Registers the worker too (a hosted service); nothing starts it here, so this is a client only.
        services.AddDaprWorkflow(_ => { });
        return new TestWorkflowClient(services.BuildServiceProvider());
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
