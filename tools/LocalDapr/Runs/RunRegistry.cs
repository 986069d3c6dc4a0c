using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace DaprOrders.LocalDapr.Runs;

/// <summary>
/// The runtimes running on this machine, read from the state files in a home's runs folder. A file whose process
/// is gone (a run that was killed, so it could not remove its file) is ignored and deleted.
/// </summary>
public sealed class RunRegistry(LocalDaprHome home)
{
    /// <summary>
    /// The state files' extension; a file being written has <see cref="TemporarySuffix"/> after it and is never read.
    /// </summary>
    public const string Extension = ".json";

    /// <summary>
    /// Appended to a state file's name while it is written.
    /// </summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>
    /// How far a process's start time as read now may be from the one recorded (both are read from the OS, with
    /// rounding), before the pid counts as reused by another process.
    /// </summary>
    private static readonly TimeSpan StartTimeTolerance = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How state files are written and read.
    /// </summary>
    internal static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>
    /// The folder read.
    /// </summary>
    public string Folder => home.RunsFolder;

    /// <summary>
    /// Every running runtime, oldest first, after deleting the state files of runs that are gone.
    /// </summary>
    public IReadOnlyList<RunRecord> Running()
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        var running = new List<RunRecord>();
        foreach (var file in Directory.EnumerateFiles(Folder, "*" + Extension))
        {
            if (Read(file) is not { } record)
            {
                continue;
            }

            if (IsRunning(record))
            {
                running.Add(record);
            }
            else
            {
                DeleteStale(file);
            }
        }

        return running.OrderBy(r => r.Started).ThenBy(r => r.Pid).ToList();
    }

    private static RunRecord? Read(string file)
    {
        try
        {
            return JsonSerializer.Deserialize<RunRecord>(File.ReadAllBytes(file), Json);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null; // removed by its runtime (or another reader) since the folder was listed
        }
        catch (JsonException)
        {
            return null; // not ours (written atomically, a state file is never half written): leave it alone
        }
    }

    private static bool IsRunning(RunRecord record)
    {
        try
        {
            using var process = Process.GetProcessById(record.Pid);
            return !process.HasExited
                && (process.StartTime.ToUniversalTime() - record.ProcessStarted).Duration() <= StartTimeTolerance;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception)
        {
            return false; // no such process (any more), or it ended while being looked at
        }
    }

    private static void DeleteStale(string file)
    {
        try
        {
            File.Delete(file);
            File.Delete(file + TemporarySuffix);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another user's folder, or a file another reader is deleting: it is ignored either way.
        }
    }
}
