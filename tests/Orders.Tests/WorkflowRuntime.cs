extern alias LocalDapr;

using DaprOrders.Contracts;
using LocalDapr::DaprOrders.LocalDapr.Runtime;
using LocalDapr::DaprOrders.LocalDapr.Sidecars;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprOrders.Orders.Tests;

/// <summary>
/// The local Dapr runtime (tools/LocalDapr) with sidecars only, for app id orders, and an in-memory actor state store
/// for its workflow engine: the real engine for the real workflow. The orders app under test runs in process
/// (<see cref="OrdersApplication"/>) and reaches its sidecar through DAPR_GRPC_ENDPOINT; nothing calls the app back,
/// so the tests deliver topic messages to it themselves. One runtime per test: no test sees another's workflows.
/// </summary>
internal sealed class WorkflowRuntime : IAsyncDisposable
{
    private const string StateStoreYaml = """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: statestore
        spec:
          type: state.in-memory
          version: v1
          metadata:
            - name: actorStateStore
              value: "true"
        """;

    private readonly string _folder;
    private readonly LocalDaprRuntime _runtime;

    private WorkflowRuntime(string folder, LocalDaprRuntime runtime, IReadOnlyList<AppInstance> sidecars)
    {
        _folder = folder;
        _runtime = runtime;
        Sidecars = sidecars;
    }

    /// <summary>One sidecar per orders instance, as each pod has its own.</summary>
    public IReadOnlyList<AppInstance> Sidecars { get; }

    public static async Task<WorkflowRuntime> StartAsync(int instances = 1)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("orders-workflows-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "statestore.yaml"), StateStoreYaml, cancellationToken);
        var runtime = await LocalDaprRuntime.StartAsync(new LocalDaprOptions
        {
            ResourcesPaths = [folder],
            MailFolder = Path.Combine(folder, "mail"),
            LoggerFactory = NullLoggerFactory.Instance,
        }, cancellationToken);

        List<AppInstance> sidecars = [];
        for (var i = 0; i < instances; i++)
        {
            sidecars.Add(await runtime.StartAppAsync(new AppSpec(AppIds.Orders, [], folder), cancellationToken));
        }

        return new WorkflowRuntime(folder, runtime, sidecars);
    }

    public async ValueTask DisposeAsync()
    {
        await _runtime.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
