using System.Collections.Concurrent;

namespace DaprOrders.LocalDapr.Sidecars;

/// Mutable state of one sidecar that is not part of <see cref="Sidecar"/>: is its app up, the extended metadata.
public sealed class SidecarStatus
{
    private volatile bool appReady;

    /// The app answered on its port and the features know it (false again while the app is stopped).
    public bool AppReady
    {
        get => appReady;
        set => appReady = value;
    }

    /// `PUT /v1.0/metadata/{key}` attributes, shown under `extended`.
    public ConcurrentDictionary<string, string> Extended { get; } = new(StringComparer.Ordinal);
}
