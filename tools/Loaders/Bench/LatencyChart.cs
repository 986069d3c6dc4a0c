using System.Security;
using System.Text;
using static System.FormattableString;

namespace DaprOrders.Loaders.Bench;

/// <summary>
/// `--svg`: POST→verdict latency against decided orders per second, one point per step, p50 and p99 joined by a
/// line per kind of loop (closed and open) in order of throughput. Plain SVG, no chart library.
/// </summary>
internal static class LatencyChart
{
    private const double Width = 760, Height = 460, Left = 70, Right = 30, Top = 50, Bottom = 60;
    private static readonly int[] NiceSteps = [1, 2, 5, 10];
    private const double PlotWidth = Width - Left - Right, PlotHeight = Height - Top - Bottom;

    public static string Render(BenchReport report)
    {
        var steps = report.Steps.Where(s => s.VerdictMs is not null).ToList();
        var maxX = NiceCeiling(steps.Select(s => s.DecidedPerSecond).DefaultIfEmpty(0).Max());
        var maxY = NiceCeiling(steps.Select(s => s.VerdictMs!.P99).DefaultIfEmpty(0).Max());
        double X(double perSecond) => Left + perSecond / maxX * PlotWidth;
        double Y(double ms) => Top + PlotHeight - ms / maxY * PlotHeight;

        var svg = new StringBuilder();
        svg.AppendLine(Invariant($"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}" font-family="sans-serif" font-size="12">"""));
        svg.AppendLine(Invariant($"""  <rect width="{Width}" height="{Height}" fill="white"/>"""));
        svg.AppendLine(Invariant($"""  <text x="{Width / 2}" y="24" text-anchor="middle" font-size="15">POST→verdict latency vs decided orders/s ({Escape(report.Machine.LoadersBuild)} loaders, {report.Machine.ProcessorCount} cores)</text>"""));

        // Axes, grid lines and their numbers.
        for (var i = 0; i <= 5; i++)
        {
            var x = X(maxX * i / 5);
            var y = Y(maxY * i / 5);
            svg.AppendLine(Invariant($"""  <line x1="{x:0.#}" y1="{Top}" x2="{x:0.#}" y2="{Top + PlotHeight}" stroke="#e5e5e5"/>"""));
            svg.AppendLine(Invariant($"""  <text x="{x:0.#}" y="{Top + PlotHeight + 18}" text-anchor="middle">{maxX * i / 5:0.#}</text>"""));
            svg.AppendLine(Invariant($"""  <line x1="{Left}" y1="{y:0.#}" x2="{Left + PlotWidth}" y2="{y:0.#}" stroke="#e5e5e5"/>"""));
            svg.AppendLine(Invariant($"""  <text x="{Left - 8}" y="{y + 4:0.#}" text-anchor="end">{maxY * i / 5:0.#}</text>"""));
        }

        svg.AppendLine(Invariant($"""  <line x1="{Left}" y1="{Top + PlotHeight}" x2="{Left + PlotWidth}" y2="{Top + PlotHeight}" stroke="black"/>"""));
        svg.AppendLine(Invariant($"""  <line x1="{Left}" y1="{Top}" x2="{Left}" y2="{Top + PlotHeight}" stroke="black"/>"""));
        svg.AppendLine(Invariant($"""  <text x="{Left + PlotWidth / 2}" y="{Height - 18}" text-anchor="middle">decided orders per second</text>"""));
        svg.AppendLine(Invariant($"""  <text transform="translate(18 {Top + PlotHeight / 2}) rotate(-90)" text-anchor="middle">POST→verdict latency (ms)</text>"""));

        foreach (var (loop, color) in new[] { ("closed", "#1f77b4"), ("open", "#d62728") })
        {
            var series = steps.Where(s => (s.InFlight is not null) == (loop == "closed")).OrderBy(s => s.DecidedPerSecond).ToList();
            if (series.Count == 0)
            {
                continue;
            }

            foreach (var (percentile, dash) in new[] { ("p50", ""), ("p99", """ stroke-dasharray="6 4" """) })
            {
                var points = string.Join(' ', series.Select(s => Invariant($"{X(s.DecidedPerSecond):0.#},{Y(Latency(s, percentile)):0.#}")));
                svg.AppendLine($"""  <polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"{dash.TrimEnd()}/>""");
                foreach (var step in series)
                {
                    svg.AppendLine(Invariant($"""  <circle cx="{X(step.DecidedPerSecond):0.#}" cy="{Y(Latency(step, percentile)):0.#}" r="3.5" fill="{color}"><title>{Escape(step.Load)}: {percentile} {Latency(step, percentile):0.0} ms at {step.DecidedPerSecond:0.0}/s</title></circle>"""));
                }
            }

            foreach (var step in series)
            {
                svg.AppendLine(Invariant($"""  <text x="{X(step.DecidedPerSecond) + 6:0.#}" y="{Y(step.VerdictMs!.P99) - 6:0.#}" fill="{color}">{Escape(step.Load)}</text>"""));
            }
        }

        var legendY = Top + 8;
        foreach (var (label, color, dash) in new[]
        {
            ("closed loop p50", "#1f77b4", ""), ("closed loop p99", "#1f77b4", "6 4"), ("open loop p50", "#d62728", ""), ("open loop p99", "#d62728", "6 4"),
        })
        {
            svg.AppendLine(Invariant($"""  <line x1="{Left + 12}" y1="{legendY}" x2="{Left + 40}" y2="{legendY}" stroke="{color}" stroke-width="2" stroke-dasharray="{(dash.Length > 0 ? dash : "none")}"/>"""));
            svg.AppendLine(Invariant($"""  <text x="{Left + 46}" y="{legendY + 4}">{label}</text>"""));
            legendY += 16;
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    /// <summary>
    /// 1, 2 or 5 times a power of ten at or above <paramref name="value"/>, so the axis numbers are round.
    /// </summary>
    public static double NiceCeiling(double value)
    {
        if (value <= 0 || !double.IsFinite(value))
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return NiceSteps.Select(m => m * power).First(nice => nice >= value);
    }

    private static double Latency(StepResult step, string percentile) => percentile == "p50" ? step.VerdictMs!.P50 : step.VerdictMs!.P99;

    private static string Escape(string text) => SecurityElement.Escape(text);
}
