namespace DaprOrders.Loaders.Bench.Processes;

/// <summary>
/// One watched process at one moment, its descendants included when it has them: CPU seconds since it started,
/// resident memory now, and the sum of the peaks (VmHWM) of its processes.
/// </summary>
internal sealed record ProcessSample(string Name, int Pid, double CpuSeconds, long RssBytes, long PeakRssBytes);

/// <summary>
/// Samples the watched processes; a step's usage is the difference of a sample before and one after it.
/// </summary>
internal sealed class ProcessMeter(ProcFs proc, IReadOnlyList<WatchedProcess> watched)
{
    public IReadOnlyList<WatchedProcess> Watched => watched;

    public IReadOnlyList<ProcessSample> Sample() =>
        [.. watched.Select(w =>
        {
            var pids = w.WithDescendants ? [w.Pid, .. proc.DescendantsOf(w.Pid)] : new List<int> { w.Pid };
            var readings = pids.Select(proc.Read).OfType<ProcReading>().ToList();
            return new ProcessSample(w.Name, w.Pid, readings.Sum(r => r.CpuSeconds), readings.Sum(r => r.RssBytes), readings.Sum(r => r.PeakRssBytes));
        })];
}
