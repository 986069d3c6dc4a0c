namespace DaprOrders.LocalDapr.PubSub.Kafka;

/// <summary>
/// The Kafka APIs this broker serves and the versions of each it announces in ApiVersions. Only versions with
/// the classic (non-flexible) encoding besides ApiVersions itself: clients pick the highest version both sides
/// know (KIP-35), and librdkafka, kcat and the Java client all speak these.
/// </summary>
internal static class KafkaApis
{
    public const short Produce = 0;
    public const short Fetch = 1;
    public const short ListOffsets = 2;
    public const short Metadata = 3;
    public const short OffsetCommit = 8;
    public const short OffsetFetch = 9;
    public const short FindCoordinator = 10;
    public const short JoinGroup = 11;
    public const short Heartbeat = 12;
    public const short LeaveGroup = 13;
    public const short SyncGroup = 14;
    public const short ApiVersions = 18;
    public const short InitProducerId = 22;

    /// <summary>Produce v3 is the first with record batches (magic 2), Fetch v4 the first that returns them.</summary>
    public static readonly IReadOnlyList<(short Key, short Min, short Max)> Supported =
    [
        (Produce, 3, 3),
        (Fetch, 4, 5),
        (ListOffsets, 1, 2),
        (Metadata, 1, 4),
        (OffsetCommit, 2, 3),
        (OffsetFetch, 1, 3),
        (FindCoordinator, 0, 1),
        (JoinGroup, 0, 2),
        (Heartbeat, 0, 1),
        (LeaveGroup, 0, 1),
        (SyncGroup, 0, 1),
        (ApiVersions, 0, 3),
        (InitProducerId, 0, 1),
    ];

    public static bool IsSupported(short key, short version) =>
        Supported.Any(api => api.Key == key && version >= api.Min && version <= api.Max);
}
