using DaprOrders.Loaders.Bench;
using DaprOrders.Loaders.Bench.Processes;
using DaprOrders.Loaders.Cli;

namespace DaprOrders.Loaders.Tests;

/// <summary>
/// Percentiles (nearest rank), the chart's round axis limits, and reading /proc.
/// </summary>
public sealed class BenchStatisticsTests
{
    [Fact]
    public void Percentiles_are_nearest_rank_values_that_were_measured()
    {
        var summary = LatencySummary.Of(Enumerable.Range(1, 100).Select(n => (double)n).Reverse())!;

        Assert.Equal(new LatencySummary(100, 50, 95, 99, 100), summary);
    }

    [Fact]
    public void Few_values_round_the_rank_up()
    {
        Assert.Equal(new LatencySummary(3, 20, 30, 30, 30), LatencySummary.Of([30, 10, 20]));
        Assert.Equal(new LatencySummary(1, 7, 7, 7, 7), LatencySummary.Of([7]));
    }

    [Fact]
    public void No_values_have_no_percentiles() => Assert.Null(LatencySummary.Of([]));

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.3, 0.5)]
    [InlineData(7, 10)]
    [InlineData(10, 10)]
    [InlineData(11, 20)]
    [InlineData(1234, 2000)]
    public void Axis_limits_are_round(double value, double expected) => Assert.Equal(expected, LatencyChart.NiceCeiling(value), 9);

    [Fact]
    public void Stat_is_read_after_the_command_name_which_may_hold_spaces_and_parentheses()
    {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        const string stat = "4242 (my (odd) app) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 12 0 999 0 0";

        Assert.Equal((17, 325L), ProcFs.ParseStat(stat));
    }

    [Fact]
    public void Status_gives_resident_memory_now_and_at_its_peak_in_bytes()
    {
        string[] status = ["Name:\tdotnet", "VmPeak:\t 3000000 kB", "VmHWM:\t  204800 kB", "VmRSS:\t  102400 kB", "Threads:\t12"];

        Assert.Equal((100L * 1024 * 1024, 200L * 1024 * 1024), ProcFs.ParseStatus(status));
    }

    [Fact]
    public void A_process_is_measured_with_what_it_started_and_CPU_ticks_become_seconds()
    {
        var proc = Directory.CreateTempSubdirectory("fake-proc-");
        try
        {
            FakeProcess(proc, pid: 10, parent: 1, ticks: (100, 50), rssKb: 1024);  // `dotnet run`
            FakeProcess(proc, pid: 11, parent: 10, ticks: (300, 50), rssKb: 4096); // the app it started
            FakeProcess(proc, pid: 12, parent: 1, ticks: (900, 0), rssKb: 8192);   // someone else
            var meter = new ProcessMeter(new ProcFs(proc.FullName, clockTicksPerSecond: 100), [new WatchedProcess("orders-0", 10, WithDescendants: true)]);

            var sample = Assert.Single(meter.Sample());

            Assert.Equal(new ProcessSample("orders-0", 10, 5.0, 5 * 1024 * 1024, 10 * 1024 * 1024), sample);
        }
        finally
        {
            proc.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_newest_live_run_of_the_registry_gives_the_runtime_and_each_app_process()
    {
        var runs = Directory.CreateTempSubdirectory("fake-runs-");
        try
        {
            File.WriteAllText(Path.Combine(runs.FullName, "100-1.json"), """
                {"pid":100,"processStarted":"2026-01-01T10:00:00Z","started":"2026-01-01T10:00:01+00:00","runFile":"/repo/dapr.yaml",
                 "apps":[{"appId":"orders","instance":"orders-0","httpPort":3501,"grpcPort":50001,"appPort":6001,"appPid":101,"command":["dotnet","run"],"started":"2026-01-01T10:00:02+00:00"},
                         {"appId":"loader","instance":"loader-0","httpPort":3500,"grpcPort":50002,"appPort":null,"appPid":null,"command":[],"started":"2026-01-01T10:00:02+00:00"}]}
                """);
            File.WriteAllText(Path.Combine(runs.FullName, "200-1.json"), """{"pid":200,"started":"2026-01-02T10:00:00+00:00","apps":[]}""");
            File.WriteAllText(Path.Combine(runs.FullName, "300-1.json.tmp"), "half");

            var found = LocalRunProcesses.Find(runs.FullName, isAlive: pid => pid == 100);

            Assert.NotNull(found);
            Assert.EndsWith("100-1.json", found.Value.File, StringComparison.Ordinal);
            Assert.Equal([new WatchedProcess("localdapr", 100, false), new WatchedProcess("orders-0", 101, true)], found.Value.Processes);
            Assert.Null(LocalRunProcesses.Find(runs.FullName, isAlive: _ => false));
        }
        finally
        {
            runs.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_registry_is_under_LOCALDAPR_HOME_when_set()
    {
        Assert.Equal(Path.Combine("/tmp/ld-home", "runs"), LocalRunProcesses.RunsFolder(name => name == "LOCALDAPR_HOME" ? "/tmp/ld-home" : null));
        Assert.EndsWith(Path.Combine(".localdapr", "runs"), LocalRunProcesses.RunsFolder(_ => null), StringComparison.Ordinal);
    }

    private static void FakeProcess(DirectoryInfo proc, int pid, int parent, (int User, int System) ticks, int rssKb)
    {
        var folder = proc.CreateSubdirectory(pid.ToString(System.Globalization.CultureInfo.InvariantCulture)).FullName;
        File.WriteAllText(Path.Combine(folder, "stat"), $"{pid} (dotnet) S {parent} {pid} {pid} 0 -1 0 0 0 0 0 {ticks.User} {ticks.System} 0 0 20 0 1 0 1 0 0");
        File.WriteAllLines(Path.Combine(folder, "status"), ["Name:\tdotnet", $"VmHWM:\t{2 * rssKb} kB", $"VmRSS:\t{rssKb} kB"]);
    }
}
