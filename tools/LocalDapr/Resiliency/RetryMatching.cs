using System.Globalization;

namespace DaprOrders.LocalDapr.Resiliency;

/// <summary>
/// A retry policy's `matching` (Dapr 1.14+): which status codes of a target's answer are worth retrying, as
/// comma-separated codes and ranges (`"429,500-599"`); a list not given retries every failed answer (dapr
/// pkg/resiliency/retry.go; docs resiliency/policies/retries/retries-overview.md "Retry status codes").
/// Failures without a status (no connection, a timeout) are always retried.
/// </summary>
public sealed record RetryMatching(IReadOnlyList<(int First, int Last)>? HttpStatusCodes, IReadOnlyList<(int First, int Last)>? GrpcStatusCodes)
{
    /// <summary>
    /// No `matching`: every failed answer is retried.
    /// </summary>
    public static RetryMatching All { get; } = new(null, null);

    /// <summary>
    /// Whether an app's HTTP answer with <paramref name="status"/> (outside 200–399) is retried.
    /// </summary>
    public bool RetriesHttp(int status) => Matches(HttpStatusCodes, status);

    /// <summary>
    /// Whether a gRPC status code (0–16) is retried.
    /// </summary>
    public bool RetriesGrpc(int code) => Matches(GrpcStatusCodes, code);

    /// <summary>
    /// Reads `matching` from a retry policy's YAML-shaped fields; <paramref name="where"/> names it in errors.
    /// </summary>
    public static RetryMatching Decode(IReadOnlyDictionary<string, object?> policy, string where)
    {
        if (!policy.TryGetValue("matching", out var value) || value is not IReadOnlyDictionary<string, object?> matching)
        {
            return All;
        }

        return new RetryMatching(
            Ranges(matching, "httpStatusCodes", 100, 599, where),
            Ranges(matching, "gRPCStatusCodes", 0, 16, where));
    }

    private static bool Matches(IReadOnlyList<(int First, int Last)>? ranges, int code) =>
        ranges is null || ranges.Any(r => r.First <= code && code <= r.Last);

    private static List<(int First, int Last)>? Ranges(IReadOnlyDictionary<string, object?> matching, string field, int lowest, int highest, string where)
    {
        if (!matching.TryGetValue(field, out var value) || value is not string { Length: > 0 } text)
        {
            return null;
        }

        var ranges = new List<(int, int)>();
        foreach (var pattern in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bounds = pattern.Split('-');
            if (bounds.Length > 2
                || !int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                || !int.TryParse(bounds[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                || first < lowest || last > highest || first > last)
            {
                throw new FormatException($"{where}: matching.{field} '{pattern}' is not a code or range within {lowest}-{highest}");
            }

            ranges.Add((first, last));
        }

        return ranges;
    }
}
