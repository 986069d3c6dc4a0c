namespace DaprOrders.LocalDapr.Sidecars;

/// <summary>
/// Optional for a feature: what it adds to `GET /v1.0/metadata` of a sidecar (e.g. "subscriptions", "actors"),
/// as JSON-serialisable values keyed by the metadata field name.
/// </summary>
public interface ISidecarMetadataSource
{
    IEnumerable<KeyValuePair<string, object?>> Metadata(Sidecar sidecar);
}
