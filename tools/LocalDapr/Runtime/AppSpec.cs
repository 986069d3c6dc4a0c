using DaprOrders.LocalDapr.Sidecars;

namespace DaprOrders.LocalDapr.Runtime;

/// <summary>
/// One app to run, as an entry of `dapr run -f`: a command started in a folder with extra environment, and the
/// port it listens on. An empty <see cref="Command"/> starts only the sidecar (the app runs elsewhere, e.g. in a test).
/// </summary>
public sealed record AppSpec(string AppId, IReadOnlyList<string> Command, string WorkingDirectory)
{
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The port the app listens on; null for an app that only calls its sidecar.
    /// </summary>
    public int? AppPort { get; init; }

    /// <summary>
    /// Sidecar ports; null = a free port.
    /// </summary>
    public int? HttpPort { get; init; }

    public int? GrpcPort { get; init; }

    /// <summary>
    /// Tokens for this app only; null = the runtime's (<see cref="LocalDaprOptions"/>).
    /// </summary>
    public string? DaprApiToken { get; init; }

    public string? AppApiToken { get; init; }

    /// <summary>
    /// How the sidecar talks to the app: `http` (default) or `grpc` (run file `appProtocol`, daprd `--app-protocol`).
    /// </summary>
    public string AppProtocol { get; init; } = AppProtocols.Http;
}

public enum AppStopMode
{
    /// <summary>
    /// SIGTERM to the process tree, then SIGKILL after <see cref="LocalDaprOptions.AppStopTimeout"/>.
    /// </summary>
    Graceful,

    /// <summary>
    /// SIGKILL to the process tree at once: a crash.
    /// </summary>
    Kill,
}
