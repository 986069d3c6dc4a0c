using System.Globalization;
using System.Runtime.InteropServices;

namespace DaprOrders.Loaders.Bench.Processes;

/// <summary>
/// What Linux's /proc says about one process: CPU time used (utime + stime), resident memory now (VmRSS) and its
/// peak since the process started (VmHWM), and its parent, to find the processes a `dotnet run` started.
/// </summary>
internal sealed record ProcReading(int Pid, int ParentPid, double CpuSeconds, long RssBytes, long PeakRssBytes);

/// <summary>
/// Reads /proc (or a folder laid out like it, for tests). A process that is gone reads as null.
/// </summary>
internal sealed partial class ProcFs(string root, long clockTicksPerSecond)
{
    public static bool Available => OperatingSystem.IsLinux() && Directory.Exists("/proc/self");

    /// <summary>
    /// The real /proc, with the kernel's clock tick (USER_HZ) from sysconf.
    /// </summary>
    public static ProcFs Local() => new("/proc", ClockTicksPerSecond());

    public ProcReading? Read(int pid)
    {
        try
        {
            var folder = Path.Combine(root, pid.ToString(CultureInfo.InvariantCulture));
            var (parent, ticks) = ParseStat(File.ReadAllText(Path.Combine(folder, "stat")));
            var (rss, peak) = ParseStatus(File.ReadAllLines(Path.Combine(folder, "status")));
            return new ProcReading(pid, parent, (double)ticks / clockTicksPerSecond, rss, peak);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            return null; // ended since it was listed, or not ours to read
        }
    }

    /// <summary>
    /// The processes whose parent is <paramref name="pid"/>, their children and so on.
    /// </summary>
    public IReadOnlyList<int> DescendantsOf(int pid)
    {
        var parents = new Dictionary<int, List<int>>();
        foreach (var folder in Directory.EnumerateDirectories(root))
        {
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var child) && ParentOf(folder) is { } parent)
            {
                (parents.TryGetValue(parent, out var children) ? children : parents[parent] = []).Add(child);
            }
        }

        var found = new List<int>();
        var next = new Queue<int>([pid]);
        while (next.TryDequeue(out var current))
        {
            foreach (var child in parents.GetValueOrDefault(current, []))
            {
                found.Add(child);
                next.Enqueue(child);
            }
        }

        return found;
    }

    /// <summary>
    /// `pid (comm) state ppid ... utime stime ...`: the command name may hold spaces and parentheses, so the fields
    /// are counted from the last ')'. ppid is field 4, utime and stime fields 14 and 15 (proc(5)), in clock ticks.
    /// </summary>
    public static (int ParentPid, long CpuTicks) ParseStat(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state).
        return (
            int.Parse(fields[1], CultureInfo.InvariantCulture),
            long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// `VmRSS:   123456 kB` and `VmHWM:` lines, in bytes; 0 when absent (a zombie has none).
    /// </summary>
    public static (long RssBytes, long PeakRssBytes) ParseStatus(IEnumerable<string> lines)
    {
        long rss = 0, peak = 0;
        foreach (var line in lines)
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line);
            }
        }

        return (rss, peak);

        static long Kilobytes(string line) =>
            1024 * long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static int? ParentOf(string folder)
    {
        try
        {
            return ParseStat(File.ReadAllText(Path.Combine(folder, "stat"))).ParentPid;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static long ClockTicksPerSecond()
    {
        // USER_HZ is 100 on every mainstream Linux build; ask anyway rather than assume.
        var ticks = SysConf(ClockTicksName);
        return ticks > 0 ? ticks : 100;
    }

    private const int ClockTicksName = 2; // _SC_CLK_TCK in glibc and musl

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);
}
