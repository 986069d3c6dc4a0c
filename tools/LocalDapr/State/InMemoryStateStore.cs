using DaprOrders.LocalDapr.Components;

namespace DaprOrders.LocalDapr.State;

/// <summary>
/// `state.in-memory` (components-contrib state/in-memory): a map of key -> value bytes, a new opaque ETag (uuid)
/// per write, optional TTL, first-write/last-write concurrency, and atomic multi-operation transactions.
/// </summary>
public sealed class InMemoryStateStore(ComponentDefinition component, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredState> _entries = new(StringComparer.Ordinal);

    public ComponentDefinition Component { get; } = component;

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
                        Guid.NewGuid().ToString(),
                        upsert.TtlSeconds is int ttl and > 0 ? time.GetUtcNow().AddSeconds(ttl) : null),
                    _ => null,
                };
            }

            foreach (var (key, state) in overlay)
            {
                if (state is null)
                {
                    _entries.Remove(key);
                }
                else
                {
                    _entries[key] = state;
                }
            }
        }
    }

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

        if (state.ExpiresAt is { } expires && expires <= time.GetUtcNow())
        {
            _entries.Remove(key);
            return null;
        }

        return state;
    }
}

public sealed record StoredState(ReadOnlyMemory<byte> Value, string ETag, DateTimeOffset? ExpiresAt);

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
