using System.Collections.Concurrent;
using static System.FormattableString;

namespace DaprOrders.Loaders.Cli;

/// Failures counted by reason, so a summary of 10,000 requests lists each kind of failure once.
internal sealed class FailureTally
{
    private readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);
    private int total;

    public int Total => Volatile.Read(ref total);

    public void Add(string what, string reason)
    {
        counts.AddOrUpdate($"{what}: {reason}", 1, (_, n) => n + 1);
        Interlocked.Increment(ref total);
    }

    /// "  3× payment: 403 Forbidden: ..." lines, most frequent first.
    public IEnumerable<string> Lines(int max = 10)
    {
        var all = counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
        foreach (var (reason, count) in all.Take(max))
        {
            yield return Invariant($"  {count}× {reason}");
        }

        if (all.Count > max)
        {
            yield return Invariant($"  ... and {all.Count - max} other kinds of failure ({all.Skip(max).Sum(c => c.Value)} in all)");
        }
    }
}
