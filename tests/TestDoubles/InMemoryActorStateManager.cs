using System.Text.Json;
using Dapr.Actors.Runtime;
using DaprOrders.Contracts;

namespace DaprOrders.TestDoubles;

/// <summary>
/// An actor state manager for <c>ActorHost.CreateForTest</c>: changes stay in a per-turn cache until
/// <see cref="SaveStateAsync"/> commits them as JSON, as the real one does. <see cref="Restart"/> drops what was
/// not saved (a crash); a fresh actor instance over the same manager then sees only committed state.
/// <see cref="FailNextSave"/> makes the next commit throw (the sidecar is unreachable). <see cref="CachedKeys"/>
/// counts the keys the SDK's state manager would hold: each one found or set, kept across saves until the cache is
/// cleared or the activation ends (Dapr.Actors ActorStateManager).
/// </summary>
public sealed class InMemoryActorStateManager : IActorStateManager
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, byte[]> _committed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object?> _changes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _cached = new(StringComparer.Ordinal);
    private bool _failNextSave;

    public JsonSerializerOptions JsonOptions { get; init; } = ContractsJson.Options;

    public int Saves { get; private set; }

    public int CachedKeys
    {
        get
        {
            lock (_sync)
            {
                return _cached.Count;
            }
        }
    }

    /// <summary>The committed value of <paramref name="key"/>, as a fresh activation would read it.</summary>
    public T? Committed<T>(string key)
    {
        lock (_sync)
        {
            return _committed.TryGetValue(key, out var json) ? JsonSerializer.Deserialize<T>(json, JsonOptions) : default;
        }
    }

    public void FailNextSave() => _failNextSave = true;

    /// <summary>Forgets unsaved changes, as a crash (or the runtime after a failed turn) does.</summary>
    public void Restart()
    {
        lock (_sync)
        {
            _changes.Clear();
            _removed.Clear();
            _cached.Clear();
        }
    }

    public Task<ConditionalValue<T>> TryGetStateAsync<T>(string stateName, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            if (_removed.Contains(stateName))
            {
                return Task.FromResult(new ConditionalValue<T>(false, default!));
            }

            if (_changes.TryGetValue(stateName, out var changed))
            {
                return Task.FromResult(new ConditionalValue<T>(true, (T)changed!));
            }

            if (!_committed.TryGetValue(stateName, out var json))
            {
                return Task.FromResult(new ConditionalValue<T>(false, default!));
            }

            _cached.Add(stateName);
            return Task.FromResult(new ConditionalValue<T>(true, JsonSerializer.Deserialize<T>(json, JsonOptions)!));
        }
    }

    public async Task<T> GetStateAsync<T>(string stateName, CancellationToken cancellationToken = default)
    {
        var value = await TryGetStateAsync<T>(stateName, cancellationToken);
        return value.HasValue ? value.Value : throw new KeyNotFoundException($"Actor state '{stateName}' does not exist.");
    }

    public Task SetStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            _removed.Remove(stateName);
            _changes[stateName] = value;
            _cached.Add(stateName);
        }

        return Task.CompletedTask;
    }

    public Task SetStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        SetStateAsync(stateName, value, cancellationToken);

    public async Task<bool> ContainsStateAsync(string stateName, CancellationToken cancellationToken = default) =>
        (await TryGetStateAsync<object>(stateName, cancellationToken)).HasValue;

    public async Task<bool> TryAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        if (await ContainsStateAsync(stateName, cancellationToken))
        {
            return false;
        }

        await SetStateAsync(stateName, value, cancellationToken);
        return true;
    }

    public Task<bool> TryAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        TryAddStateAsync(stateName, value, cancellationToken);

    public async Task AddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        if (!await TryAddStateAsync(stateName, value, cancellationToken))
        {
            throw new InvalidOperationException($"Actor state '{stateName}' already exists.");
        }
    }

    public Task AddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        AddStateAsync(stateName, value, cancellationToken);

    public async Task<T> GetOrAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        var existing = await TryGetStateAsync<T>(stateName, cancellationToken);
        if (existing.HasValue)
        {
            return existing.Value;
        }

        await SetStateAsync(stateName, value, cancellationToken);
        return value;
    }

    public Task<T> GetOrAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        GetOrAddStateAsync(stateName, value, cancellationToken);

    public async Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, CancellationToken cancellationToken = default)
    {
        var existing = await TryGetStateAsync<T>(stateName, cancellationToken);
        var value = existing.HasValue ? updateValueFactory(stateName, existing.Value) : addValue;
        await SetStateAsync(stateName, value, cancellationToken);
        return value;
    }

    public Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        AddOrUpdateStateAsync(stateName, addValue, updateValueFactory, cancellationToken);

    public async Task<bool> TryRemoveStateAsync(string stateName, CancellationToken cancellationToken = default)
    {
        if (!await ContainsStateAsync(stateName, cancellationToken))
        {
            return false;
        }

        lock (_sync)
        {
            _changes.Remove(stateName);
            _removed.Add(stateName);
        }

        return true;
    }

    public async Task RemoveStateAsync(string stateName, CancellationToken cancellationToken = default)
    {
        if (!await TryRemoveStateAsync(stateName, cancellationToken))
        {
            throw new KeyNotFoundException($"Actor state '{stateName}' does not exist.");
        }
    }

    public Task UnloadStateAsync(string stateName, UnloadStateOptions options, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            _changes.Remove(stateName);
            _removed.Remove(stateName);
            _cached.Remove(stateName);
        }

        return Task.CompletedTask;
    }

    public Task ClearCacheAsync(CancellationToken cancellationToken = default)
    {
        Restart();
        return Task.CompletedTask;
    }

    public Task SaveStateAsync(CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            if (_failNextSave)
            {
                _failNextSave = false;
                throw new InvalidOperationException("Injected actor state save failure.");
            }

            foreach (var (key, value) in _changes)
            {
                _committed[key] = JsonSerializer.SerializeToUtf8Bytes(value, value?.GetType() ?? typeof(object), JsonOptions);
            }

            foreach (var key in _removed)
            {
                _committed.Remove(key);
                _cached.Remove(key);
            }

            _changes.Clear();
            _removed.Clear();
            Saves++;
        }

        return Task.CompletedTask;
    }
}
