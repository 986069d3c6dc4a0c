using System.Globalization;
using DaprOrders.LocalDapr.Runs;

namespace DaprOrders.LocalDapr.Cli;

/// <summary>
/// One line of `localdapr list`: the fields of `dapr list` that an app instance here has, under the dapr CLI's
/// names (dapr/cli pkg/standalone/list.go ListOutput), and computed the same way. The sidecar runs inside the
/// runtime's process, so the daprd pid and the CLI pid are both the runtime's; a missing app port or app process is 0.
/// </summary>
public sealed record ListRow(
    string AppId,
    int HttpPort,
    int GrpcPort,
    int AppPort,
    string Command,
    string Age,
    string Created,
    int DaprdPid,
    int CliPid,
    int AppPid,
    string RunTemplatePath)
{
    private const int CommandWidth = 20;

    /// <summary>
    /// The table's columns: header and value, in the dapr CLI's order.
    /// </summary>
    public static IReadOnlyList<(string Header, Func<ListRow, string> Value)> Columns { get; } =
    [
        ("APP ID", r => r.AppId),
        ("HTTP PORT", r => Text(r.HttpPort)),
        ("GRPC PORT", r => Text(r.GrpcPort)),
        ("APP PORT", r => Text(r.AppPort)),
        ("COMMAND", r => r.Command),
        ("AGE", r => r.Age),
        ("CREATED", r => r.Created),
        ("DAPRD PID", r => Text(r.DaprdPid)),
        ("CLI PID", r => Text(r.CliPid)),
        ("APP PID", r => Text(r.AppPid)),
        ("RUN TEMPLATE PATH", r => r.RunTemplatePath),
    ];

    /// <summary>
    /// The row of <paramref name="app"/> in <paramref name="run"/>, its age as of <paramref name="now"/>.
    /// </summary>
    public static ListRow Of(RunRecord run, RunAppRecord app, DateTimeOffset now) => new(
        app.AppId,
        app.HttpPort,
        app.GrpcPort,
        app.AppPort ?? 0,
        Shorten(string.Join(' ', app.Command)),
        AgeOf(now - app.Started),
        app.Started.ToLocalTime().ToString("yyyy-MM-dd HH:mm.ss", CultureInfo.InvariantCulture),
        run.Pid,
        run.Pid,
        app.AppPid ?? 0,
        run.RunFile ?? "");

    /// <summary>
    /// Whole seconds up to a minute, then whole minutes up to an hour, hours up to a day, then days
    /// (dapr/cli pkg/age/age.go).
    /// </summary>
    public static string AgeOf(TimeSpan age) => age switch
    {
        { TotalSeconds: <= 60 } => $"{Text((int)Math.Max(0, age.TotalSeconds))}s",
        { TotalMinutes: <= 60 } => $"{Text((int)age.TotalMinutes)}m",
        { TotalHours: <= 24 } => $"{Text((int)age.TotalHours)}h",
        _ => $"{Text((int)age.TotalDays)}d",
    };

    /// <summary>
    /// The dapr CLI shows at most 20 characters of the command, the last three `...` when it is cut.
    /// </summary>
    private static string Shorten(string command) =>
        command.Length <= CommandWidth ? command : command[..(CommandWidth - 3)] + "...";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
