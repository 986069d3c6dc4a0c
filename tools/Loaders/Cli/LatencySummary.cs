namespace DaprOrders.Loaders.Cli;

/// <summary>
/// Percentiles of a set of latencies in milliseconds, nearest rank: the pth percentile is the smallest value with
/// at least p of all values at or below it, so every figure is a latency that was actually measured.
/// </summary>
internal sealed record LatencySummary(int Count, double P50, double P95, double P99, double Max)
{
    /// <summary>
    /// Null for no values: a step in which nothing was answered has no percentiles, not zeros.
    /// </summary>
    public static LatencySummary? Of(IEnumerable<double> milliseconds)
    {
        double[] sorted = [.. milliseconds.Order()];
        return sorted.Length == 0
            ? null
            : new LatencySummary(sorted.Length, NearestRank(sorted, 0.50), NearestRank(sorted, 0.95), NearestRank(sorted, 0.99), sorted[^1]);
    }

    /// <summary>
    /// <paramref name="sorted"/> ascending and not empty; <paramref name="p"/> in (0, 1].
    /// </summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
