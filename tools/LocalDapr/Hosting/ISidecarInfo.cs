namespace DaprOrders.LocalDapr.Hosting;

/// Optional for a feature: what it adds to `GET /v1.0/metadata` of a sidecar (e.g. "subscriptions", "actors"),
/// as JSON-serialisable values keyed by the metadata field name.
public interface ISidecarMetadataSource
{
    IEnumerable<KeyValuePair<string, object?>> Metadata(Sidecar sidecar);
}

/// Optional for a feature: lines `localdapr run` prints at start about where the feature listens
/// (e.g. "pubsub 'pubsub': Kafka bootstrap servers 127.0.0.1:39201,...").
public interface IRuntimeEndpoints
{
    IEnumerable<string> DescribeEndpoints();
}
