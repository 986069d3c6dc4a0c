using DaprOrders.LocalDapr.Actors;
using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Grpc;
using DaprOrders.LocalDapr.Sidecars;

namespace DaprOrders.LocalDapr.Workflows;

/// <summary>
/// Dapr's workflow engine for every sidecar of the runtime: one <see cref="WorkflowEngine"/> per app id (daprd's
/// workflow actors are per app id, so instances of one app share its workflows), served as `TaskHubSidecarService`
/// on each sidecar's gRPC port. Apps need nothing but the Dapr.Workflow SDK pointed at DAPR_GRPC_PORT.
/// </summary>
public sealed class WorkflowsFeature(IActorStateStore stateStore, RuntimeResources resources, TimeProvider time, ILoggerFactory loggers)
    : ISidecarFeature, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, WorkflowEngine> _engines = new(StringComparer.Ordinal);
    private readonly WorkflowRetention _retention = WorkflowRetention.From(resources);
    private readonly ILogger _logger = loggers.CreateLogger("LocalDapr.Workflows");

    /// <summary>
    /// The engine of an app id (created at its first use).
    /// </summary>
    public WorkflowEngine EngineFor(string appId)
    {
        lock (_gate)
        {
            if (!_engines.TryGetValue(appId, out var engine))
            {
                _engines[appId] = engine = new WorkflowEngine(appId, stateStore, _retention, time, _logger);
            }

            return engine;
        }
    }

    public void MapHttp(IEndpointRouteBuilder endpoints)
    {
    }

    public void MapGrpc(DaprGrpcMethods methods) => WorkflowsApi.Map(methods, this);

    /// <summary>
    /// Nothing to discover: an app takes part by opening `GetWorkItems`, and leaves when its stream ends.
    /// </summary>
    public Task AppReadyAsync(Sidecar sidecar, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task AppStoppedAsync(Sidecar sidecar, CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var engine in _engines.Values)
            {
                engine.Dispose();
            }
        }
    }
}
