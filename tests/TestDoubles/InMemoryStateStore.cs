using System.Globalization;
using System.Text.Json;
using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.State;

namespace DaprOrders.TestDoubles;

/// <summary>
/// The state store's ETag semantics in memory: values stored as JSON (as Dapr does), a new ETag per write,
/// first-write when no ETag is given. <see cref="BeforeNextSave"/> lets a test slip in a competing write.
/// </summary>
public sealed class InMemoryStateStore : IStateStore
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, (byte[] Json, string ETag)> _items = [];
    private long _version;

    /// <summary>Runs once, just before the next save is checked: simulates another writer winning the race.</summary>
    public Action<InMemoryStateStore>? BeforeNextSave { get; set; }

    /// <summary>Runs once, just after the next read took its value: simulates a write landing right after a read.</summary>
    public Action<InMemoryStateStore>? AfterNextGet { get; set; }

    public int SaveConflicts { get; private set; }

    public Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        StateEntry<T> entry;
        lock (_sync)
        {
            entry = _items.TryGetValue(key, out var item)
                ? new StateEntry<T>(JsonSerializer.Deserialize<T>(item.Json, ContractsJson.Options), item.ETag)
                : new StateEntry<T>(default, null);
        }

        var interfere = AfterNextGet;
        AfterNextGet = null;
        interfere?.Invoke(this);
        return Task.FromResult(entry);
    }

    /// <summary>Reads a value directly, for assertions.</summary>
    public T? Peek<T>(string key) => GetAsync<T>(key, CancellationToken.None).Result.Value;

    /// <summary>Writes unconditionally, for arranging a test or simulating another writer.</summary>
    public void Put<T>(string key, T value)
    {
        lock (_sync)
        {
            _items[key] = (JsonSerializer.SerializeToUtf8Bytes(value, ContractsJson.Options), NextETag());
        }
    }

    public Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var interfere = BeforeNextSave;
        BeforeNextSave = null;
        interfere?.Invoke(this);
        lock (_sync)
        {
            var exists = _items.TryGetValue(key, out var current);
            var allowed = etag is null ? !exists : exists && current.ETag == etag;
            if (!allowed)
            {
                SaveConflicts++;
                return Task.FromResult(false);
            }

            _items[key] = (JsonSerializer.SerializeToUtf8Bytes(value, ContractsJson.Options), NextETag());
            return Task.FromResult(true);
        }
    }

    public Task<bool> TryDeleteAsync(string key, string etag, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            if (!_items.TryGetValue(key, out var current) || current.ETag != etag)
            {
                return Task.FromResult(false);
            }

            _items.Remove(key);
            return Task.FromResult(true);
        }
    }

    private string NextETag() => (++_version).ToString(CultureInfo.InvariantCulture);
}
