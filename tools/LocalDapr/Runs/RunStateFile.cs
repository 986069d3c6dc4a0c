using System.Text.Json;

namespace DaprOrders.LocalDapr.Runs;

/// <summary>
/// One runtime's state file, `{home}/runs/{pid}-{n}.json` (n counts the runtimes of one process, so a test host
/// running several does not overwrite its own files). Each <see cref="Write"/> replaces the whole file atomically
/// (a temporary file renamed over it), so a reader sees the previous record or the new one, never half of one.
/// </summary>
public sealed class RunStateFile
{
    private static int LastNumber;

    private readonly Lock _gate = new();
    private readonly string _temporary;
    private bool _deleted;

    private RunStateFile(string path)
    {
        Path = path;
        _temporary = path + RunRegistry.TemporarySuffix;
    }

    /// <summary>
    /// Where the file is.
    /// </summary>
    public string Path { get; }

    /// <summary>
    /// A new state file for this process in <paramref name="home"/> (nothing is written yet).
    /// </summary>
    public static RunStateFile Create(LocalDaprHome home)
    {
        var number = Interlocked.Increment(ref LastNumber);
        return new RunStateFile(System.IO.Path.Combine(home.RunsFolder, $"{Environment.ProcessId}-{number}{RunRegistry.Extension}"));
    }

    /// <summary>
    /// Replaces the file's content with <paramref name="record"/>; concurrent writes are applied one after the
    /// other (the caller orders its snapshots). After <see cref="Delete"/> nothing is written any more
    /// (a stopping runtime still updates its instances).
    /// </summary>
    public void Write(RunRecord record)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(record, RunRegistry.Json);
        lock (_gate)
        {
            if (_deleted)
            {
                return;
            }

            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            File.WriteAllBytes(_temporary, json);
            File.Move(_temporary, Path, overwrite: true);
        }
    }

    /// <summary>
    /// Removes the file: the runtime is stopping and must not be found any more.
    /// </summary>
    public void Delete()
    {
        lock (_gate)
        {
            _deleted = true;
            File.Delete(Path);
            File.Delete(_temporary);
        }
    }
}
