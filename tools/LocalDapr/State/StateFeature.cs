using System.Globalization;
using DaprOrders.LocalDapr.Grpc;
using DaprOrders.LocalDapr.Sidecars;
using Grpc.Core;

namespace DaprOrders.LocalDapr.State;

/// <summary>
/// The state building block: the stores (shared by all sidecars) as the calling app sees them. Its API, gRPC (what
/// DaprClient uses) and HTTP (`/v1.0/state/...`), is <see cref="StateApi"/>.
/// </summary>
public sealed class StateFeature(StateStores stores) : ISidecarFeature
{
    public StateStores Stores { get; } = stores;

    public void MapHttp(IEndpointRouteBuilder endpoints) => StateApi.MapHttp(endpoints, this);

    public void MapGrpc(DaprGrpcMethods methods) => StateApi.MapGrpc(methods, this);

    public Task AppReadyAsync(Sidecar sidecar, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task AppStoppedAsync(Sidecar sidecar, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The store as the calling app sees it; gRPC errors as daprd reports them.
    /// </summary>
    internal InMemoryStateStore StoreFor(string name, Sidecar sidecar)
    {
        if (!Stores.Any)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "state store is not configured"));
        }

        return Stores.Find(name, sidecar.AppId)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"state store {name} is not found"));
    }

    internal static string Key(InMemoryStateStore store, Sidecar sidecar, string key)
    {
        try
        {
            return StateKeys.ForApp(store, sidecar.AppId, key);
        }
        catch (ArgumentException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
    }

    internal static int? TtlSeconds(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue("ttlInSeconds", out var ttl)
            ? int.TryParse(ttl, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? seconds
                : throw new ArgumentException($"ttlInSeconds '{ttl}' is not an integer")
            : null;

    internal static string? TtlExpireTime(StoredState state) =>
        state.ExpiresAt?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
