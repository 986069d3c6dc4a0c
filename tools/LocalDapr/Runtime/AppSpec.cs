namespace DaprOrders.LocalDapr.Runtime;

/// One app to run, as an entry of `dapr run -f`: a command started in a folder with extra environment, and the
/// port it listens on. An empty <see cref="Command"/> starts only the sidecar (the app runs elsewhere, e.g. in a test).
public sealed record AppSpec(string AppId, IReadOnlyList<string> Command, string WorkingDirectory)
{
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// The port the app listens on; null for an app that only calls its sidecar.
    public int? AppPort { get; init; }

    /// Sidecar ports; null = a free port.
    public int? HttpPort { get; init; }

    public int? GrpcPort { get; init; }

    /// Tokens for this app only; null = the runtime's (<see cref="LocalDaprOptions"/>).
    public string? DaprApiToken { get; init; }

    public string? AppApiToken { get; init; }
}

public enum AppStopMode
{
    /// SIGTERM to the process tree, then SIGKILL after <see cref="LocalDaprOptions.AppStopTimeout"/>.
    Graceful,

    /// SIGKILL to the process tree at once: a crash.
    Kill,
}
