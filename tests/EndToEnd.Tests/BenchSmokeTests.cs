using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using DaprOrders.Contracts;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>
/// `loaders bench` end to end, as a user runs it against a local run: the built executable, a few seconds of a
/// closed and an open loop against the shared system and a second of idle, its processes found through the
/// system's run registry (LOCALDAPR_HOME). Nothing is timed: it asserts the command ran, orders were decided, and
/// the JSON and SVG have what they promise. Orders are Jumpers, one unit each, after setting the level the shared system's Jumpers
/// tests all set (1,000,000), so a few hundred orders leave the others plenty.
/// </summary>
[Collection(SharedOrderSystem.Name)]
public sealed class BenchSmokeTests(OrderSystemFixture fixture) : IDisposable
{
    private readonly DirectoryInfo _output = Directory.CreateTempSubdirectory("bench-smoke-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OrderSystem System => fixture.System;

    [Fact]
    public async Task A_short_bench_decides_orders_measures_idle_and_writes_its_table_json_and_chart()
    {
        await System.SetStockAsync(Product.Jumpers, 1_000_000, Ct);
        var json = Path.Combine(_output.FullName, "bench.json");
        var svg = Path.Combine(_output.FullName, "bench.svg");

        var (exitCode, output, error) = await RunLoadersAsync(
            "bench", "--in-flight", "2", "--rate", "5", "--duration", "2", "--warmup", "1", "--idle", "1", "--idle-settle", "0", "--product", "JUMPERS",
            "--api-url", System.Orders.BaseAddress!.AbsoluteUri, "--json", json, "--svg", svg, "--progress-interval", "0");

        Assert.True(exitCode == 0, $"exit {exitCode}{Environment.NewLine}{output}{Environment.NewLine}{error}");
        Assert.Contains(output.Split('\n'), l => l.StartsWith("in-flight 2 ", StringComparison.Ordinal));
        Assert.Contains(output.Split('\n'), l => l.StartsWith("rate 5/s ", StringComparison.Ordinal));

        var report = JsonNode.Parse(await File.ReadAllTextAsync(json, Ct))!;
        var steps = report["steps"]!.AsArray();
        Assert.Equal(["in-flight 2", "rate 5/s"], steps.Select(s => (string)s!["load"]!));
        foreach (var step in steps)
        {
            Assert.True((int)step!["decided"]! > 0, step.ToJsonString());
            Assert.Equal((int)step["decided"]!, (int)step["validated"]! + (int)step["failedVerdicts"]!);
            Assert.Equal(0, (int)step["failures"]!);
            Assert.True((double)step["verdictMs"]!["p50"]! <= (double)step["verdictMs"]!["p99"]!);
            Assert.True((double)step["decidedPerSecond"]! > 0);
            Assert.NotNull(step["cpuMsPerDecidedOrder"]);
            var processes = step["processes"]!.AsArray().Select(p => (string)p!["name"]!).ToList();
            Assert.Contains("localdapr", processes);
            Assert.Contains(processes, name => name.StartsWith($"{AppIds.Orders}-", StringComparison.Ordinal));
        }

        // The idle measurement: every process of the run, and in all the sum of their CPU over the time measured.
        var idle = report["idle"]!;
        Assert.True((double)idle["seconds"]! > 0, idle.ToJsonString());
        var idleProcesses = idle["processes"]!.AsArray();
        Assert.Contains("localdapr", idleProcesses.Select(p => (string)p!["name"]!));
        Assert.Equal((double)idle["percentOfOneCore"]!, 100 * idleProcesses.Sum(p => (double)p!["cpuSeconds"]!) / (double)idle["seconds"]!, 6);
        Assert.Contains(output.Split('\n'), l => l.StartsWith("  idle, no load for ", StringComparison.Ordinal));
        Assert.Equal(0, (double)idle["settleSeconds"]!);

        var chart = XDocument.Parse(await File.ReadAllTextAsync(svg, Ct));
        XNamespace svgNs = "http://www.w3.org/2000/svg";
        Assert.Equal(svgNs + "svg", chart.Root!.Name);
        Assert.Equal(4, chart.Descendants(svgNs + "polyline").Count()); // p50 and p99 of each loop
    }

    public void Dispose() => _output.Delete(recursive: true);

    private async Task<(int ExitCode, string Output, string Error)> RunLoadersAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(LoadersDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LOCALDAPR_HOME"] = System.Home.Folder;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct).WaitAsync(OrderSystem.Timeout * 2, Ct);
        return (process.ExitCode, await output, await error);
    }

    private static string LoadersDll =>
        typeof(BenchSmokeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "LoadersDll").Value!;
}
