using DaprOrders.LocalDapr.Components;

namespace DaprOrders.LocalDapr.State;

/// <summary>
/// `state.in-memory` (components-contrib state/in-memory): a map of key -> value bytes, a new opaque ETag (uuid)
/// per write, optional TTL, first-write/last-write concurrency, and atomic multi-operation transactions.
/// </summary>
public sealed class InMemoryStateStore : IDisposable
{
    /// <summary>
    /// How often keys whose time is up are removed: the component's clean thread runs every second
    /// (in_memory.go startCleanThread, doCleanExpiredItems).
    /// </summary>
    private static readonly TimeSpan ExpirySweepInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredState> _entries = new(StringComparer.Ordinal);

    /// <summary>
    /// Every write with a TTL, soonest first, so a sweep looks only at keys that are due, not at the whole map. A
    /// key written again keeps its older item here until that is due; the sweep then finds the key's newer expiry.
    /// </summary>
    private readonly PriorityQueue<string, DateTimeOffset> _expiries = new();

    private readonly TimeProvider _time;
    private readonly ITimer _sweep;

    public InMemoryStateStore(ComponentDefinition component, TimeProvider time)
    {
        Component = component;
        _time = time;
        _sweep = time.CreateTimer(static store => ((InMemoryStateStore)store!).RemoveExpired(), this, ExpirySweepInterval, ExpirySweepInterval);
    }

    public ComponentDefinition Component { get; }

    /// <summary>
    /// Keys held, expired ones not yet swept included.
    /// </summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Null when missing or expired.
    /// </summary>
    public StoredState? Get(string key)
    {
        lock (_gate)
        {
            return Live(key);
        }
    }

    /// <summary>
    /// Applies every operation or none; an ETag check that fails throws <see cref="StateETagMismatchException"/>.
    /// </summary>
    public void Apply(IReadOnlyList<StateOperation> operations)
    {
        lock (_gate)
        {
            // Operations see the effect of earlier ones in the same batch: check against an overlay, then commit.
            var overlay = new Dictionary<string, StoredState?>(StringComparer.Ordinal);
            foreach (var operation in operations)
            {
                var current = overlay.TryGetValue(operation.Key, out var pending) ? pending : Live(operation.Key);
                Check(operation, current);
                overlay[operation.Key] = operation switch
                {
                    StateUpsert upsert => new StoredState(
                        upsert.Value.ToArray(),
                        Guid.NewGuid(),
                        upsert.TtlSeconds is int ttl and > 0 ? _time.GetUtcNow().AddSeconds(ttl) : null),
                    _ => null,
                };
            }

            foreach (var (key, state) in overlay)
            {
                if (state is null)
                {
                    _entries.Remove(key);
                    continue;
                }

                _entries[key] = state;
                if (state.ExpiresAt is { } expires)
                {
                    _expiries.Enqueue(key, expires);
                }
            }
        }
    }

    /// <summary>
    /// Removes the keys whose time is up, as the component's clean thread does: without it an expired key would
    /// stay in memory until it is next read or written, and many never are (an email join that was never paid).
    /// </summary>
    public void RemoveExpired()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            while (_expiries.TryPeek(out var key, out var due) && due <= now)
            {
                _expiries.Dequeue();
                if (_entries.TryGetValue(key, out var state) && state.IsExpiredAt(now))
                {
                    _entries.Remove(key);
                }
            }
        }
    }

    public void Dispose() => _sweep.Dispose();

    /// <summary>
    /// daprd's ETag rules: a given ETag must match the stored one (and the key must exist); first-write without an
    /// ETag fails when the key exists; otherwise last write wins.
    /// </summary>
    private static void Check(StateOperation operation, StoredState? current)
    {
        if (operation.ETag is { Length: > 0 } etag)
        {
            if (current is null || !string.Equals(current.ETag, etag, StringComparison.Ordinal))
            {
                throw new StateETagMismatchException(operation.Key);
            }
        }
        else if (operation.FirstWrite && current is not null)
        {
            throw new StateETagMismatchException(operation.Key);
        }
    }

    private StoredState? Live(string key)
    {
        if (!_entries.TryGetValue(key, out var state))
        {
            return null;
        }

        if (state.IsExpiredAt(_time.GetUtcNow()))
        {
            _entries.Remove(key);
            return null;
        }

        return state;
    }
}

/// <summary>
/// A stored value. Its ETag is kept as the uuid it is and formatted when asked for: a store holds a few million
/// entries after a long run, and the string would be ~100 bytes of each.
/// </summary>
public sealed record StoredState(ReadOnlyMemory<byte> Value, Guid Version, DateTimeOffset? ExpiresAt)
{
    public string ETag => Version.ToString();

    /// <summary>
    /// Whether its time is up at <paramref name="now"/>: the same rule for a read and for the sweep.
    /// </summary>
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt <= now;
}

/// <summary>
/// A write or delete of one key; <see cref="ETag"/> null or empty = none given.
/// </summary>
public abstract record StateOperation(string Key, string? ETag, bool FirstWrite);

public sealed record StateUpsert(string Key, ReadOnlyMemory<byte> Value, string? ETag, bool FirstWrite, int? TtlSeconds)
    : StateOperation(Key, ETag, FirstWrite);

public sealed record StateDelete(string Key, string? ETag, bool FirstWrite) : StateOperation(Key, ETag, FirstWrite);

public sealed class StateETagMismatchException(string key) : Exception($"possible etag mismatch. error from state store: etag mismatch for key {key}")
{
    public string Key { get; } = key;
}
