namespace DaprOrders.LocalDapr.Sidecars;

/// <summary>
/// One running instance of an app and the ports of its sidecar. Several instances may share an app id
/// (scale-out); <see cref="Index"/> tells them apart.
/// </summary>
public sealed record AppInstance(
    string AppId,
    int Index,
    int? AppPort,
    int HttpPort,
    int GrpcPort,
    string? AppApiToken,
    string? DaprApiToken)
{
    /// <summary>
    /// Stable name of this instance, used where daprd would use the pod name ({podName} in component metadata).
    /// </summary>
    public string InstanceName => $"{AppId}-{Index}";
}
