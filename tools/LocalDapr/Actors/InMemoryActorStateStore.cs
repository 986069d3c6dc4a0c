namespace DaprOrders.LocalDapr.Actors;

/// Actor state kept in memory for the lifetime of the runtime.
public sealed class InMemoryActorStateStore(TimeProvider time) : IActorStateStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, ActorStateValue> values = new(StringComparer.Ordinal);

    public Task<ActorStateValue?> GetAsync(string key, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (values.TryGetValue(key, out var value) && value.ExpiresAt is { } expiry && expiry <= time.GetUtcNow())
            {
                values.Remove(key);
                value = null;
            }

            return Task.FromResult(value);
        }
    }

    public Task TransactAsync(IReadOnlyList<ActorStateOperation> operations, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            foreach (var operation in operations)
            {
                if (operation.Value is { } data)
                {
                    var expiry = operation.TtlSeconds is int ttl and >= 0 ? now.AddSeconds(ttl) : (DateTimeOffset?)null;
                    values[operation.Key] = new ActorStateValue(data.ToArray(), expiry);
                }
                else
                {
                    values.Remove(operation.Key);
                }
            }
        }

        return Task.CompletedTask;
    }
}
