using System.Collections.Concurrent;

namespace DaprOrders.LocalDapr.Sidecars;

/// <summary>
/// Mutable state of one sidecar that is not part of <see cref="Sidecar"/>: is its app up, the extended metadata.
/// </summary>
public sealed class SidecarStatus
{
    private volatile bool _appReady;

    /// <summary>
    /// The app answered on its port and the features know it (false again while the app is stopped).
    /// </summary>
    public bool AppReady
    {
        get => _appReady;
        set => _appReady = value;
    }

    /// <summary>
    /// `PUT /v1.0/metadata/{key}` attributes, shown under `extended`.
    /// </summary>
    public ConcurrentDictionary<string, string> Extended { get; } = new(StringComparer.Ordinal);
}
