using System.Collections.Concurrent;
using static System.FormattableString;

namespace DaprOrders.Loaders.Cli;

/// <summary>
/// Failures counted by reason, so a summary of 10,000 requests lists each kind of failure once.
/// </summary>
internal sealed class FailureTally
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private int _total;

    public int Total => Volatile.Read(ref _total);

    public void Add(string what, string reason)
    {
        _counts.AddOrUpdate($"{what}: {reason}", 1, (_, n) => n + 1);
        Interlocked.Increment(ref _total);
    }

    /// <summary>
    /// Every reason ("what: reason") with its count, most frequent first.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, int>> Counts() =>
        [.. _counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)];

    /// <summary>
    /// "  3× payment: 403 Forbidden: ..." lines, most frequent first.
    /// </summary>
    public IEnumerable<string> Lines(int max = 10)
    {
        var all = Counts();
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
