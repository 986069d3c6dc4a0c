using System.Globalization;
using System.Text.Json;
using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.State;

namespace DaprOrders.TestDoubles;

/// <summary>
/// The state store's ETag semantics in memory: values stored as JSON (as Dapr does), a new ETag per write,
/// first-write when no ETag is given, and Dapr's state TTL (an expired key reads as missing, by <see cref="Time"/>).
/// <see cref="BeforeNextSave"/> lets a test slip in a competing write.
/// </summary>
public sealed class InMemoryStateStore : IStateStore
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, (byte[] Json, string ETag, DateTimeOffset? ExpiresAt)> _items = [];
    private long _version;
    private int _reads;

    /// <summary>The clock that decides when a key saved with a time to live has expired.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The keys that exist now (expired ones excluded), for assertions that state stays bounded.</summary>
    public IReadOnlyList<string> Keys
    {
        get
        {
            lock (_sync)
            {
                // Copied first: Live forgets expired keys as it goes.
                return [.. _items.Keys.ToList().Where(key => Live(key) is not null)];
            }
        }
    }

    /// <summary>Runs once, just before the next save is checked: simulates another writer winning the race.</summary>
    public Action<InMemoryStateStore>? BeforeNextSave { get; set; }

    /// <summary>Runs once, just after the next read took its value: simulates a write landing right after a read.</summary>
    public Action<InMemoryStateStore>? AfterNextGet { get; set; }

    public int SaveConflicts { get; private set; }

    /// <summary>Reads served by <see cref="GetAsync{T}"/>: what a change that saves round trips can be checked by.</summary>
    public int Reads => Volatile.Read(ref _reads);

    public Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _reads);
        var entry = Read<T>(key);
        var interfere = AfterNextGet;
        AfterNextGet = null;
        interfere?.Invoke(this);
        return Task.FromResult(entry);
    }

    /// <summary>Reads a value directly, for assertions (not counted in <see cref="Reads"/>).</summary>
    public T? Peek<T>(string key) => Read<T>(key).Value;

    private StateEntry<T> Read<T>(string key)
    {
        lock (_sync)
        {
            return Live(key) is { } item
                ? new StateEntry<T>(JsonSerializer.Deserialize<T>(item.Json, ContractsJson.Options), item.ETag)
                : new StateEntry<T>(default, null);
        }
    }

    /// <summary>Writes unconditionally, for arranging a test or simulating another writer.</summary>
    public void Put<T>(string key, T value)
    {
        lock (_sync)
        {
            _items[key] = (JsonSerializer.SerializeToUtf8Bytes(value, ContractsJson.Options), NextETag(), null);
        }
    }

    public Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken) =>
        Save(key, value, etag, null, cancellationToken);

    public Task<bool> TrySaveAsync<T>(string key, T value, string? etag, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        // Whole seconds, rounded up, as the Dapr implementation sends ttlInSeconds.
        return Save(key, value, etag, TimeSpan.FromSeconds(Math.Ceiling(timeToLive.TotalSeconds)), cancellationToken);
    }

    private Task<bool> Save<T>(string key, T value, string? etag, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var interfere = BeforeNextSave;
        BeforeNextSave = null;
        interfere?.Invoke(this);
        lock (_sync)
        {
            var current = Live(key);
            var allowed = etag is null ? current is null : current is not null && current.Value.ETag == etag;
            if (!allowed)
            {
                SaveConflicts++;
                return Task.FromResult(false);
            }

            var expiresAt = timeToLive is { } ttl ? Time.GetUtcNow() + ttl : (DateTimeOffset?)null;
            _items[key] = (JsonSerializer.SerializeToUtf8Bytes(value, ContractsJson.Options), NextETag(), expiresAt);
            return Task.FromResult(true);
        }
    }

    public Task<bool> TryDeleteAsync(string key, string etag, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            if (Live(key) is not { } current || current.ETag != etag)
            {
                return Task.FromResult(false);
            }

            _items.Remove(key);
            return Task.FromResult(true);
        }
    }

    // Null when missing or expired (an expired key is forgotten, as Dapr's stores do).
    private (byte[] Json, string ETag, DateTimeOffset? ExpiresAt)? Live(string key)
    {
        if (!_items.TryGetValue(key, out var item))
        {
            return null;
        }

        if (item.ExpiresAt is { } expiresAt && expiresAt <= Time.GetUtcNow())
        {
            _items.Remove(key);
            return null;
        }

        return item;
    }

    private string NextETag() => (++_version).ToString(CultureInfo.InvariantCulture);
}
