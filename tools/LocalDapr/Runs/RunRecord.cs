namespace DaprOrders.LocalDapr.Runs;

/// <summary>
/// What a running runtime tells other processes about itself: the content of its state file. <see cref="Pid"/>
/// and <see cref="ProcessStarted"/> identify the process, so a file left behind by a killed run (or a pid that was
/// reused since) is recognised as stale.
/// </summary>
/// <param name="Pid">The process the runtime runs in (`localdapr run`, or a test host).</param>
/// <param name="ProcessStarted">When that process started (UTC).</param>
/// <param name="Started">When the runtime started (UTC): runs are listed oldest first.</param>
/// <param name="RunFile">The run file of `localdapr run -f`; null for a runtime started through the API.</param>
/// <param name="Apps">Every app instance, in start order.</param>
public sealed record RunRecord(int Pid, DateTime ProcessStarted, DateTimeOffset Started, string? RunFile, IReadOnlyList<RunAppRecord> Apps);

/// <summary>
/// One app instance of a run: its sidecar's ports, the app's port, process and command, and when it started.
/// </summary>
/// <param name="AppId">The app id; several instances may share it.</param>
/// <param name="Instance">The instance name (`orders-0`).</param>
/// <param name="HttpPort">The sidecar's Dapr HTTP port on 127.0.0.1.</param>
/// <param name="GrpcPort">The sidecar's Dapr gRPC port on 127.0.0.1.</param>
/// <param name="AppPort">The port the app listens on; null for an app without one.</param>
/// <param name="AppPid">The app's process; null for a sidecar alone or a stopped app.</param>
/// <param name="Command">The app's command line; empty for a sidecar alone.</param>
/// <param name="Started">When the instance's sidecar started (UTC).</param>
public sealed record RunAppRecord(
    string AppId,
    string Instance,
    int HttpPort,
    int GrpcPort,
    int? AppPort,
    int? AppPid,
    IReadOnlyList<string> Command,
    DateTimeOffset Started);
