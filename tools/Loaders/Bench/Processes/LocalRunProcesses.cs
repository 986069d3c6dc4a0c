using System.Globalization;
using System.Text.Json;

namespace DaprOrders.Loaders.Bench.Processes;

/// <summary>
/// A process to watch: the local runtime itself (its own process only, since its children are the apps, watched
/// on their own), or an app with whatever it started (`dotnet run` starts the app as its child).
/// </summary>
internal sealed record WatchedProcess(string Name, int Pid, bool WithDescendants);

/// <summary>
/// Finds the processes of a running `localdapr run` from the state file it keeps in its home's runs folder
/// (`$LOCALDAPR_HOME/runs` or `~/.localdapr/runs`, one JSON file per runtime). Only the fields read here are
/// declared: the loaders stay independent of the LocalDapr project, which is a web app with a Kafka cluster,
/// gRPC and mail inside, and the file is its documented interface to other processes (`localdapr list`).
/// </summary>
internal static class LocalRunProcesses
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// `$LOCALDAPR_HOME/runs`, else `~/.localdapr/runs`: where LocalDapr's LocalDaprHome puts them.
    /// </summary>
    public static string RunsFolder(Func<string, string?> environment) => Path.Combine(
        environment("LOCALDAPR_HOME") is { Length: > 0 } home
            ? Path.GetFullPath(home)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".localdapr"),
        "runs");

    /// <summary>
    /// The newest run whose process is alive (a state file left by a killed run is skipped), as the runtime and
    /// each app instance with a process; null when there is none.
    /// </summary>
    public static (string File, IReadOnlyList<WatchedProcess> Processes)? Find(string runsFolder, Func<int, bool> isAlive)
    {
        if (!Directory.Exists(runsFolder))
        {
            return null;
        }

        var runs = Directory.EnumerateFiles(runsFolder, "*.json")
            .Select(file => (File: file, Run: Read(file)))
            .Where(r => r.Run is not null && isAlive(r.Run.Pid))
            .OrderByDescending(r => r.Run!.Started)
            .ToList();
        if (runs.Count == 0)
        {
            return null;
        }

        var (path, run) = runs[0];
        List<WatchedProcess> processes = [new("localdapr", run!.Pid, WithDescendants: false)];
        processes.AddRange(run.Apps
            .Where(a => a.AppPid is not null)
            .Select(a => new WatchedProcess(a.Instance, a.AppPid!.Value, WithDescendants: true)));
        return (path, processes);
    }

    private static LocalRunFile? Read(string file)
    {
        try
        {
            return JsonSerializer.Deserialize<LocalRunFile>(File.ReadAllBytes(file), Json);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null; // removed since listed, or not a runtime's state file
        }
    }

    public static bool IsAlive(int pid) => Directory.Exists(Path.Combine("/proc", pid.ToString(CultureInfo.InvariantCulture)));

    private sealed record LocalRunFile(int Pid, DateTimeOffset Started, IReadOnlyList<LocalRunApp> Apps);

    private sealed record LocalRunApp(string AppId, string Instance, int? AppPid);
}
