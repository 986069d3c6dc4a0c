using System.Globalization;
using Dapr;
using Dapr.Client;
using DaprOrders.Contracts;
using Grpc.Core;

namespace DaprOrders.ServiceDefaults.State;

internal sealed class DaprStateStore(DaprClient dapr) : IStateStore
{
    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };
    private static readonly StateOptions StrongConsistency = new() { Consistency = ConsistencyMode.Strong };

    public async Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken)
    {
        var (value, etag) = await dapr.GetStateAndETagAsync<T>(DaprComponents.StateStore, key, ConsistencyMode.Strong, cancellationToken: cancellationToken);
        // A missing key comes back as empty data and an empty ETag.
        return string.IsNullOrEmpty(etag) ? new StateEntry<T>(default, null) : new StateEntry<T>(value, etag);
    }

    public Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken) =>
        SaveAsync(key, value, etag, metadata: null, cancellationToken);

    public Task<bool> TrySaveAsync<T>(string key, T value, string? etag, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        // Dapr's state TTL is whole seconds; rounding up never forgets a key early.
        var seconds = (long)Math.Ceiling(timeToLive.TotalSeconds);
        var metadata = new Dictionary<string, string> { ["ttlInSeconds"] = seconds.ToString(CultureInfo.InvariantCulture) };
        return SaveAsync(key, value, etag, metadata, cancellationToken);
    }

    public Task<bool> TryDeleteAsync(string key, string etag, CancellationToken cancellationToken) =>
        dapr.TryDeleteStateAsync(DaprComponents.StateStore, key, etag, StrongConsistency, cancellationToken: cancellationToken);

    private async Task<bool> SaveAsync<T>(string key, T value, string? etag, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        if (etag is not null)
        {
            return await dapr.TrySaveStateAsync(DaprComponents.StateStore, key, value, etag, StrongConsistency, metadata, cancellationToken);
        }

        try
        {
            await dapr.SaveStateAsync(DaprComponents.StateStore, key, value, FirstWrite, metadata, cancellationToken);
            return true;
        }
        catch (DaprException ex) when (ex.InnerException is RpcException { StatusCode: StatusCode.Aborted })
        {
            // First-write lost: the key exists already (daprd answers an ETag mismatch with Aborted).
            return false;
        }
    }
}
