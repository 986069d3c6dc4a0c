using DaprOrders.LocalDapr.Grpc;

namespace DaprOrders.LocalDapr.Sidecars;

/// <summary>
/// A building block of the sidecar (state, pub/sub, actors, bindings, ...). One instance per runtime, shared by
/// every sidecar, so runtime-wide things (the broker, actor placement, the state stores) live in the feature.
/// Each sidecar maps the feature's HTTP routes and gRPC methods and tells it when its app comes and goes.
/// Inside a handler, the calling sidecar is `httpContext.RequestServices.GetRequiredService&lt;Sidecar&gt;()`
/// (for gRPC: `context.GetHttpContext()`).
/// </summary>
public interface ISidecarFeature
{
    /// <summary>
    /// Routes of the Dapr HTTP API (`/v1.0/...`) this feature serves.
    /// </summary>
    void MapHttp(IEndpointRouteBuilder endpoints);

    /// <summary>
    /// Methods of `dapr.proto.runtime.v1.Dapr` this feature serves.
    /// </summary>
    void MapGrpc(DaprGrpcMethods methods);

    /// <summary>
    /// The app answers on its port: discover what it offers (subscriptions, actor types) and start serving it.
    /// </summary>
    Task AppReadyAsync(Sidecar sidecar, CancellationToken cancellationToken);

    /// <summary>
    /// The app instance is stopping or gone: stop delivering to it, hand its actors over.
    /// </summary>
    Task AppStoppedAsync(Sidecar sidecar, CancellationToken cancellationToken);
}
