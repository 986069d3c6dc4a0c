using DaprOrders.LocalDapr.Runs;

namespace DaprOrders.LocalDapr.Cli;

/// <summary>
/// The app instances of every running runtime of this user (<see cref="LocalDaprHome.FromEnvironment"/>), for the
/// commands that talk to one of them.
/// </summary>
public static class RunningApps
{
    /// <summary>
    /// Every running runtime, oldest first.
    /// </summary>
    public static IReadOnlyList<RunRecord> Runs() => Registry().Running();

    /// <summary>
    /// The first instance of <paramref name="appId"/>, oldest run first and in start order within a run: the dapr
    /// CLI too takes the first daprd with that app id in its list (pkg/standalone/invoke.go, publish.go
    /// getDaprInstance), so with two runs of one app id the older one answers. Not found, the failure's line
    /// starts with <paramref name="failing"/>, what the command was doing.
    /// </summary>
    public static RunAppRecord Find(string appId, string failing)
    {
        var registry = Registry();
        var runs = registry.Running();
        if (runs.Count == 0)
        {
            throw CliException.Failed($"{failing}: no localdapr run is running (none listed in {registry.Folder})");
        }

        var apps = runs.SelectMany(r => r.Apps).ToList();
        var running = apps.Count == 0 ? "no apps" : string.Join(", ", apps.Select(a => a.AppId).Distinct(StringComparer.Ordinal));
        return apps.Find(a => a.AppId == appId) ?? throw CliException.Failed($"{failing}: app ID {appId} not found (running: {running})");
    }

    private static RunRegistry Registry() => new(LocalDaprHome.FromEnvironment());
}
