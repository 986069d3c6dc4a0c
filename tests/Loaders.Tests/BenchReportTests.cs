using System.Text.Json.Nodes;
using System.Xml.Linq;
using DaprOrders.Loaders.Bench;
using DaprOrders.Loaders.Cli;

namespace DaprOrders.Loaders.Tests;

/// <summary>
/// What `bench` writes: the table, the JSON and the SVG chart of a report.
/// </summary>
public sealed class BenchReportTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly BenchReport Report = new(
        new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
        "http://localhost:6001/",
        new BenchMachine(2, "Linux", ".NET 10", "Debug"),
        new BenchSettings(3, 15, 1000, null, false, "b-1-"),
        "the localdapr run of runs/1-1.json",
        [
            Step("in-flight 1", inFlight: 1, rate: null, perSecond: 5, p50: 180, p99: 300),
            Step("in-flight 16", inFlight: 16, rate: null, perSecond: 60, p50: 250, p99: 900),
            Step("rate 50/s", inFlight: null, rate: 50, perSecond: 49.5, p50: 220, p99: 700) with
            {
                Failures = 2,
                FailureReasons = [new FailureCount("POST: 429 Too Many Requests", 2)],
            },
        ]);

    [Fact]
    public void The_table_has_a_row_per_step_then_processes_and_failures()
    {
        var lines = BenchTable.Lines(Report).ToList();

        Assert.Contains(lines, l => l.StartsWith("in-flight 16 ", StringComparison.Ordinal) && l.Contains("60.0", StringComparison.Ordinal) && l.Contains("900.0", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("rate 50/s ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("orders-0", StringComparison.Ordinal) && l.Contains("CPU    1.50 s", StringComparison.Ordinal));
        Assert.Contains("  2× POST: 429 Too Many Requests", lines);
    }

    [Fact]
    public void The_json_has_settings_and_per_step_latencies_counts_and_processes()
    {
        var json = JsonNode.Parse(BenchJson.Serialize(Report))!;

        Assert.Equal(2, (int)json["machine"]!["processorCount"]!);
        Assert.Equal(15, (double)json["settings"]!["durationSeconds"]!);
        var step = json["steps"]![1]!;
        Assert.Equal("in-flight 16", (string)step["load"]!);
        Assert.Equal(16, (int)step["inFlight"]!);
        Assert.Null(step["rate"]);
        Assert.Equal(900, (double)step["verdictMs"]!["p99"]!);
        Assert.Equal(300, (int)step["decided"]!);
        Assert.Equal("orders-0", (string)step["processes"]![0]!["name"]!);
        Assert.Equal(5.0, (double)step["cpuMsPerDecidedOrder"]!);
        Assert.Equal("POST: 429 Too Many Requests", (string)json["steps"]![2]!["failureReasons"]![0]!["reason"]!);
    }

    [Fact]
    public void An_idle_measurement_is_reported_per_process_and_in_all_as_a_share_of_one_core()
    {
        var idle = new IdleResult(20, 30, [new ProcessUsage("localdapr", 100, 0.9, 240, 241, 250), new ProcessUsage("orders-0", 101, 0.3, 140, 140, 150)], 4.0);
        var report = Report with { Idle = idle };

        var lines = BenchTable.Lines(report).ToList();
        Assert.Contains("  idle, no load for 30.0 s after 20 s settling: 4.00 % of a core in all", lines);
        Assert.Contains(lines, l => l.Contains("localdapr", StringComparison.Ordinal) && l.Contains("( 3.00 % of a core)", StringComparison.Ordinal));
        Assert.DoesNotContain(BenchTable.Lines(Report), l => l.Contains("idle", StringComparison.Ordinal));

        var json = JsonNode.Parse(BenchJson.Serialize(report))!;
        Assert.Equal(4.0, (double)json["idle"]!["percentOfOneCore"]!);
        Assert.Equal("orders-0", (string)json["idle"]!["processes"]![1]!["name"]!);
        Assert.Null(JsonNode.Parse(BenchJson.Serialize(Report))!["idle"]);
    }

    [Fact]
    public void The_chart_is_svg_with_axes_and_a_p50_and_p99_line_per_kind_of_loop()
    {
        var chart = XDocument.Parse(LatencyChart.Render(Report));

        Assert.Equal(Svg + "svg", chart.Root!.Name);
        var lines = chart.Descendants(Svg + "polyline").ToList();
        Assert.Equal(4, lines.Count);
        // The closed loop's p99 line: in-flight 1 then 16, by throughput; x axis to 100/s, y axis to 1000 ms.
        var closedP99 = lines[1].Attribute("points")!.Value.Split(' ');
        Assert.Equal(2, closedP99.Length);
        Assert.Equal(["in-flight 1", "in-flight 16", "rate 50/s"], chart.Descendants(Svg + "text").Select(t => t.Value).Where(t => t.StartsWith("in-flight", StringComparison.Ordinal) || t.StartsWith("rate", StringComparison.Ordinal)));
        Assert.Contains(chart.Descendants(Svg + "text"), t => t.Value == "1000");
        Assert.Contains(chart.Descendants(Svg + "text"), t => t.Value == "100");
        Assert.Equal(3 * 2, chart.Descendants(Svg + "circle").Count());
    }

    [Fact]
    public void A_report_without_decided_orders_still_draws_an_empty_chart()
    {
        var empty = Report with { Steps = [Step("in-flight 1", 1, null, 0, 0, 0) with { VerdictMs = null }] };

        var chart = XDocument.Parse(LatencyChart.Render(empty));

        Assert.Empty(chart.Descendants(Svg + "polyline"));
    }

    private static StepResult Step(string load, int? inFlight, double? rate, double perSecond, double p50, double p99) => new(
        load, inFlight, rate, 5, (int)(perSecond * 5), (int)(perSecond * 5), (int)(perSecond * 5), 0, 0, perSecond,
        new LatencySummary(10, 5, 8, 9, 12),
        new LatencySummary(10, p50, (p50 + p99) / 2, p99, p99 + 1),
        [],
        [new ProcessUsage("orders-0", 101, 1.5, 100, 110, 120)],
        perSecond > 0 ? 1.5 * 1000 / (perSecond * 5) : null);
}
