namespace DaprOrders.ServiceDefaults.State;

/// <summary>A value read from the state store with the ETag that guards its next write; ETag null = no such key.</summary>
public sealed record StateEntry<T>(T? Value, string? ETag)
{
    public bool Exists => ETag is not null;
}

/// <summary>Optimistic-concurrency access to the shared state store.</summary>
public interface IStateStore
{
    Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Saves if nobody wrote since <paramref name="etag"/> was read; a null ETag means "only if the key does not
    /// exist yet" (first write). False when another writer won: re-read and decide again.
    /// </summary>
    Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="TrySaveAsync{T}(string, T, string?, CancellationToken)"/>, and the store forgets the key
    /// <paramref name="timeToLive"/> after this write (Dapr state metadata <c>ttlInSeconds</c>, rounded up to whole
    /// seconds): an expired key reads as missing. Each write sets a new time to live.
    /// </summary>
    Task<bool> TrySaveAsync<T>(string key, T value, string? etag, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>Deletes if nobody wrote since <paramref name="etag"/> was read.</summary>
    Task<bool> TryDeleteAsync(string key, string etag, CancellationToken cancellationToken);
}
