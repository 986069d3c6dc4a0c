namespace DaprOrders.LocalDapr.Sidecars;

/// One running instance of an app and the ports of its sidecar. Several instances may share an app id
/// (scale-out); <see cref="Index"/> tells them apart.
public sealed record AppInstance(
    string AppId,
    int Index,
    int? AppPort,
    int HttpPort,
    int GrpcPort,
    string? AppApiToken,
    string? DaprApiToken)
{
    /// Stable name of this instance, used where daprd would use the pod name ({podName} in component metadata).
    public string InstanceName => $"{AppId}-{Index}";
}
