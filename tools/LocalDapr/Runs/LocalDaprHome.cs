namespace DaprOrders.LocalDapr.Runs;

/// <summary>
/// The per-user folder where running runtimes list themselves (<see cref="RunsFolder"/>), so that another process
/// (`localdapr list`, `invoke`, `publish`) finds them, as the dapr CLI keeps its files in `~/.dapr`. Default
/// `~/.localdapr`; `LOCALDAPR_HOME` moves it, e.g. so that parallel test runs do not see each other's runtimes.
/// </summary>
public sealed record LocalDaprHome(string Folder)
{
    /// <summary>
    /// The environment variable that moves the home folder.
    /// </summary>
    public const string EnvironmentVariable = "LOCALDAPR_HOME";

    /// <summary>
    /// One state file per running runtime.
    /// </summary>
    public string RunsFolder => Path.Combine(Folder, "runs");

    /// <summary>
    /// `$LOCALDAPR_HOME` if set, else `~/.localdapr`.
    /// </summary>
    public static LocalDaprHome FromEnvironment() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } folder
            ? new LocalDaprHome(Path.GetFullPath(folder))
            : new LocalDaprHome(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".localdapr"));
}
