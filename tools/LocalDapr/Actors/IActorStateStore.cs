namespace DaprOrders.LocalDapr.Actors;

/// <summary>
/// Actor state as daprd keeps it in the component marked `actorStateStore: "true"`: keys
/// `{appId}||{actorType}||{actorId}||{key}`, values the raw JSON the SDK sent, optional TTL.
/// </summary>
public interface IActorStateStore
{
    /// <summary>
    /// Null when the key is missing or expired.
    /// </summary>
    Task<ActorStateValue?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Applies all operations or none.
    /// </summary>
    Task TransactAsync(IReadOnlyList<ActorStateOperation> operations, CancellationToken cancellationToken);
}

public sealed record ActorStateValue(ReadOnlyMemory<byte> Data, DateTimeOffset? ExpiresAt);

/// <summary>
/// An upsert (<see cref="Value"/> set) or a delete (<see cref="Value"/> null); <see cref="TtlSeconds"/> from the
/// request's `ttlInSeconds` metadata.
/// </summary>
public sealed record ActorStateOperation(string Key, ReadOnlyMemory<byte>? Value, int? TtlSeconds);

/// <summary>
/// No component is marked `actorStateStore: "true"`: state calls fail as daprd's do without one.
/// </summary>
public sealed class ActorStateStoreMissingException()
    : Exception("actors: state store does not exist or incorrectly configured. Have you set the property 'actorStateStore' in your state store component file?");
