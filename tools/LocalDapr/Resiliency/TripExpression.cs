using System.Globalization;
using System.Text.RegularExpressions;

namespace DaprOrders.LocalDapr.Resiliency;

/// <summary>
/// A circuit breaker's `trip` condition. daprd evaluates it as a CEL expression over the breaker's counts
/// (`requests`, `totalSuccesses`, `totalFailures`, `consecutiveSuccesses`, `consecutiveFailures`; dapr
/// pkg/resiliency/breaker/circuitbreaker.go). The local runtime reads the subset Dapr's docs use: comparisons of a
/// count with a whole number (`&gt;`, `&gt;=`, `&lt;`, `&lt;=`, `==`, `!=`), joined by `&amp;&amp;` and `||`
/// (`&amp;&amp;` binds tighter). Anything else is refused when the resources load rather than misread.
/// </summary>
public sealed partial class TripExpression
{
    private static readonly HashSet<string> Counts = new(StringComparer.Ordinal)
    {
        "requests", "totalSuccesses", "totalFailures", "consecutiveSuccesses", "consecutiveFailures",
    };

    private readonly IReadOnlyList<IReadOnlyList<Comparison>> _anyOf;

    private TripExpression(string text, IReadOnlyList<IReadOnlyList<Comparison>> anyOf)
    {
        Text = text;
        _anyOf = anyOf;
    }

    /// <summary>
    /// The expression as written.
    /// </summary>
    public string Text { get; }

    /// <summary>
    /// gobreaker's default when a breaker names no trip: more than five consecutive failures.
    /// </summary>
    public static TripExpression Default { get; } = Parse("consecutiveFailures > 5");

    /// <summary>
    /// Parses <paramref name="text"/>; throws <see cref="FormatException"/> naming what it cannot read.
    /// </summary>
    public static TripExpression Parse(string text)
    {
        var anyOf = new List<IReadOnlyList<Comparison>>();
        foreach (var alternative in text.Split("||"))
        {
            var allOf = new List<Comparison>();
            foreach (var term in alternative.Split("&&"))
            {
                var match = ComparisonPattern().Match(term);
                if (!match.Success || !Counts.Contains(match.Groups["count"].Value))
                {
                    throw new FormatException(
                        $"trip '{text}': '{term.Trim()}' is not a comparison of {string.Join(", ", Counts)} with a whole number");
                }

                allOf.Add(new Comparison(
                    match.Groups["count"].Value, match.Groups["op"].Value, long.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
            }

            anyOf.Add(allOf);
        }

        return new TripExpression(text, anyOf);
    }

    /// <summary>
    /// True when the breaker should open at these counts.
    /// </summary>
    public bool IsMet(BreakerCounts counts) => _anyOf.Any(allOf => allOf.All(c => c.Holds(counts)));

    [GeneratedRegex(@"^\s*(?<count>[A-Za-z]+)\s*(?<op>>=|<=|==|!=|>|<)\s*(?<value>\d+)\s*$")]
    private static partial Regex ComparisonPattern();

    private sealed record Comparison(string Count, string Operator, long Value)
    {
        public bool Holds(BreakerCounts counts)
        {
            var actual = Count switch
            {
                "requests" => counts.Requests,
                "totalSuccesses" => counts.TotalSuccesses,
                "totalFailures" => counts.TotalFailures,
                "consecutiveSuccesses" => counts.ConsecutiveSuccesses,
                _ => counts.ConsecutiveFailures,
            };
            return Operator switch
            {
                ">" => actual > Value,
                ">=" => actual >= Value,
                "<" => actual < Value,
                "<=" => actual <= Value,
                "==" => actual == Value,
                _ => actual != Value,
            };
        }
    }
}

/// <summary>
/// What a breaker has counted since it last cleared its counts (gobreaker's Counts).
/// </summary>
public readonly record struct BreakerCounts(long Requests, long TotalSuccesses, long TotalFailures, long ConsecutiveSuccesses, long ConsecutiveFailures);
