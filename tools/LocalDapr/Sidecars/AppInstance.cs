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
    /// `http` or `grpc` (<see cref="AppProtocols"/>).
    /// </summary>
    public string AppProtocol { get; init; } = AppProtocols.Http;

    /// <summary>
    /// Stable name of this instance, used where daprd would use the pod name ({podName} in component metadata).
    /// </summary>
    public string InstanceName => $"{AppId}-{Index}";
}

/// <summary>
/// The app protocols the local runtime speaks to apps. daprd has more (https, grpcs, h2c).
/// </summary>
public static class AppProtocols
{
    public const string Http = "http";

    /// <summary>
    /// A gRPC app: reached only through gRPC proxying; the sidecar discovers no subscriptions or actors on it
    /// (daprd would ask its AppCallback service, which the local runtime does not call).
    /// </summary>
    public const string Grpc = "grpc";
}
