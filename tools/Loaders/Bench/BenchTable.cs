using static System.FormattableString;

namespace DaprOrders.Loaders.Bench;

/// <summary>
/// The report as text: one row per step, then CPU and memory per process for each step, then failures by reason.
/// </summary>
internal static class BenchTable
{
    public static IEnumerable<string> Lines(BenchReport report)
    {
        yield return Invariant($"bench against {report.ApiUrl}: {report.Steps.Count} steps of {report.Settings.DurationSeconds:0.#} s after {report.Settings.WarmupSeconds:0.#} s warm-up; {report.Machine.ProcessorCount} cores, loaders {report.Machine.LoadersBuild} build");
        yield return "";
        yield return Row("step", "s", "orders", "decided", "decided/s", "VALIDATED", "FAILED", "failures", "POST p50", "POST p99", "verdict p50", "p95", "p99", "max", "CPU ms/order");
        foreach (var step in report.Steps)
        {
            yield return Row(
                step.Load,
                Invariant($"{step.Seconds:0.0}"),
                Count(step.Orders),
                Count(step.Decided),
                Invariant($"{step.DecidedPerSecond:0.0}"),
                Count(step.Validated),
                Count(step.FailedVerdicts),
                Count(step.Failures),
                Ms(step.PostMs?.P50),
                Ms(step.PostMs?.P99),
                Ms(step.VerdictMs?.P50),
                Ms(step.VerdictMs?.P95),
                Ms(step.VerdictMs?.P99),
                Ms(step.VerdictMs?.Max),
                step.CpuMsPerDecidedOrder is { } cpu ? Invariant($"{cpu:0.0}") : "-");
        }

        yield return "  latencies in ms; verdict = POST until GET /validated answered VALIDATED or FAILED; FAILED verdicts are decided orders, failures are not";
        yield return "";
        yield return $"processes: {report.Processes}";
        foreach (var step in report.Steps.Where(s => s.Processes.Count > 0))
        {
            yield return $"  {step.Load}:";
            foreach (var process in step.Processes)
            {
                yield return Invariant(
                    $"    {process.Name,-16} pid {process.Pid,-7} CPU {process.CpuSeconds,7:0.00} s ({100 * process.CpuSeconds / step.Seconds,5:0.0} % of a core)   RSS {process.RssMiBBefore,6:0} -> {process.RssMiBAfter,6:0} MiB   peak {process.PeakRssMiB,6:0} MiB");
            }
        }

        if (report.Idle is { } idle)
        {
            yield return Invariant($"  idle, no load for {idle.Seconds:0.0} s after {idle.SettleSeconds:0.#} s settling: {idle.PercentOfOneCore:0.00} % of a core in all");
            foreach (var process in idle.Processes)
            {
                yield return Invariant(
                    $"    {process.Name,-16} pid {process.Pid,-7} CPU {process.CpuSeconds,7:0.00} s ({100 * process.CpuSeconds / idle.Seconds,5:0.00} % of a core)   RSS {process.RssMiBAfter,6:0} MiB");
            }
        }

        foreach (var step in report.Steps.Where(s => s.FailureReasons.Count > 0))
        {
            yield return $"failures in {step.Load}:";
            foreach (var failure in step.FailureReasons)
            {
                yield return Invariant($"  {failure.Count}× {failure.Reason}");
            }
        }
    }

    private static string Row(params string[] cells) =>
        string.Join("  ", cells.Select((cell, i) => i == 0 ? cell.PadRight(16) : cell.PadLeft(Math.Max(cell.Length, i == cells.Length - 1 ? 12 : 8))));

    private static string Count(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Ms(double? ms) => ms is { } value ? Invariant($"{value:0.0}") : "-";
}
