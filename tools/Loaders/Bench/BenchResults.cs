using DaprOrders.Loaders.Cli;

namespace DaprOrders.Loaders.Bench;

/// <summary>
/// A whole benchmark run: what was run against, how, and one result per step. Written as JSON by `--json`.
/// </summary>
internal sealed record BenchReport(
    DateTimeOffset StartedAt,
    string ApiUrl,
    BenchMachine Machine,
    BenchSettings Settings,
    string Processes,
    IReadOnlyList<StepResult> Steps,
    IdleResult? Idle = null);

internal sealed record BenchMachine(int ProcessorCount, string Os, string Runtime, string LoadersBuild);

internal sealed record BenchSettings(double WarmupSeconds, double DurationSeconds, int Customers, string? Product, bool Payments, string IdPrefix);

/// <summary>
/// One step. <see cref="Seconds"/> runs from the end of the warm-up until the last order sent in the measured
/// window was decided (or gave up): decided orders per second is <see cref="Decided"/> over it, and CPU is
/// measured over the same span.
/// </summary>
internal sealed record StepResult(
    string Load,
    int? InFlight,
    double? Rate,
    double Seconds,
    int Orders,
    int Decided,
    int Validated,
    int FailedVerdicts,
    int Failures,
    double DecidedPerSecond,
    LatencySummary? PostMs,
    LatencySummary? VerdictMs,
    IReadOnlyList<FailureCount> FailureReasons,
    IReadOnlyList<ProcessUsage> Processes,
    double? CpuMsPerDecidedOrder);

internal sealed record FailureCount(string Reason, int Count);

/// <summary>
/// One process (with what it started) over a step: CPU seconds used, resident memory before and after, and the
/// peak resident memory since it started (VmHWM, summed over its processes).
/// </summary>
internal sealed record ProcessUsage(string Name, int Pid, double CpuSeconds, double RssMiBBefore, double RssMiBAfter, double PeakRssMiB);

/// <summary>
/// `--idle`: the processes' CPU over seconds with no load, after the steps (or alone) and <see cref="SettleSeconds"/>
/// more with no load before: what an idle system costs. <see cref="PercentOfOneCore"/> is the CPU of all of them over
/// the time measured, 100 being one core busy.
/// </summary>
internal sealed record IdleResult(double SettleSeconds, double Seconds, IReadOnlyList<ProcessUsage> Processes, double PercentOfOneCore);
