using System.Globalization;
using System.Runtime.InteropServices;

namespace DaprOrders.LocalDapr.Runtime;

/// <summary>
/// Signals a process and all its descendants (`dotnet run` starts the app as a child of its own), read from /proc.
/// </summary>
internal static class ProcessTree
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>
    /// The process and its descendants, parents first.
    /// </summary>
    public static IReadOnlyList<int> Of(int rootPid)
    {
        var parents = ParentsByPid();
        var tree = new List<int> { rootPid };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(p => p.Key));
        }

        return tree;
    }

    /// <summary>
    /// Every process whose environment holds <paramref name="variable"/> (`NAME=value`): what an app started,
    /// even after the process that started it died and its children were handed to init.
    /// </summary>
    public static IReadOnlyList<int> Carrying(string variable)
    {
        var marker = System.Text.Encoding.UTF8.GetBytes(variable + "\0");
        var found = new List<int>();
        if (!Directory.Exists("/proc"))
        {
            return found;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var environ = File.ReadAllBytes(Path.Combine(dir, "environ"));
                if (environ.AsSpan().IndexOf(marker) >= 0)
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Ended while we looked, or another user's.
            }
        }

        return found;
    }

    public static void Terminate(IEnumerable<int> pids) => Signal(pids, SigTerm);

    public static void Kill(IEnumerable<int> pids) => Signal(pids, SigKill);

    public static bool IsAlive(int pid) => OperatingSystem.IsWindows() ? false : SendSignal(pid, 0) == 0 && !IsZombie(pid);

    private static void Signal(IEnumerable<int> pids, int signal)
    {
        foreach (var pid in pids)
        {
            _ = SendSignal(pid, signal);
        }
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static Dictionary<int, int> ParentsByPid()
    {
        var parents = new Dictionary<int, int>();
        if (!Directory.Exists("/proc"))
        {
            return parents;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // Fields after the command name "(...)": state, ppid, ...
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended while we looked.
            }
        }

        return parents;
    }

    [DllImport("libc", EntryPoint = "kill")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SendSignal(int pid, int signal);
}
