using System.Globalization;
using DaprOrders.LocalDapr.Timing;

namespace DaprOrders.LocalDapr.Resiliency;

/// <summary>
/// A retry policy as dapr/kit `retry.Config` decodes it, used both for a Resiliency retry policy and for
/// pubsub.kafka's own consume retry (metadata with the prefix `backOff`). Defaults (kit DefaultConfig): constant,
/// 5 s, maxRetries -1 (forever); exponential starts at 500 ms, ×1.5, randomised ±50 %, capped at 60 s, and gives
/// up after 15 min in total.
/// </summary>
public sealed record RetryPolicy
{
    public bool Exponential { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan InitialInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public double RandomizationFactor { get; init; } = 0.5;

    public double Multiplier { get; init; } = 1.5;

    public TimeSpan MaxInterval { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan MaxElapsedTime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Retries after the first attempt; -1 = no limit.
    /// </summary>
    public int MaxRetries { get; init; } = -1;

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1-based), or null when the policy is exhausted.
    /// </summary>
    public TimeSpan? DelayBefore(int retry, TimeSpan elapsed)
    {
        if (MaxRetries >= 0 && retry > MaxRetries)
        {
            return null;
        }

        if (!Exponential)
        {
            return Duration;
        }

        if (MaxElapsedTime > TimeSpan.Zero && elapsed >= MaxElapsedTime)
        {
            return null;
        }

        var interval = Math.Min(InitialInterval.TotalMilliseconds * Math.Pow(Multiplier, retry - 1), MaxInterval.TotalMilliseconds);
        var spread = RandomizationFactor * interval;
        var randomised = interval - spread + (Random.Shared.NextDouble() * 2 * spread);
        return TimeSpan.FromMilliseconds(Math.Max(0, randomised));
    }

    /// <summary>
    /// Reads the fields from YAML-shaped values (`policy`, `duration`, `initialInterval`, `randomizationFactor`,
    /// `multiplier`, `maxInterval`, `maxElapsedTime`, `maxRetries`), each name prefixed by <paramref name="prefix"/>
    /// (`backOff` → `backOffPolicy`, `backOffDuration`, ...). Names are matched case-insensitively, as mapstructure does.
    /// </summary>
    public static RetryPolicy Decode(IReadOnlyDictionary<string, string> values, string prefix, string where)
    {
        string? Get(string field)
        {
            var name = prefix.Length == 0 ? field : prefix + char.ToUpperInvariant(field[0]) + field[1..];
            return values.FirstOrDefault(v => string.Equals(v.Key, name, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } value ? value : null;
        }

        TimeSpan Duration(string field, TimeSpan fallback) => Get(field) is not { } text ? fallback
            : DaprDurations.TryParseGoDuration(text, out var value) ? value
            : throw new FormatException($"{where}: '{text}' is not a duration (e.g. 500ms, 5s, 1m)");

        double Number(string field, double fallback) => Get(field) is not { } text ? fallback
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
            : throw new FormatException($"{where}: '{text}' is not a number");

        var policy = Get("policy") ?? "constant";
        if (policy is not ("constant" or "exponential"))
        {
            throw new FormatException($"{where}: retry policy '{policy}' is neither constant nor exponential");
        }

        var defaults = new RetryPolicy();
        return new RetryPolicy
        {
            Exponential = policy == "exponential",
            Duration = Duration("duration", defaults.Duration),
            InitialInterval = Duration("initialInterval", defaults.InitialInterval),
            RandomizationFactor = Number("randomizationFactor", defaults.RandomizationFactor),
            Multiplier = Number("multiplier", defaults.Multiplier),
            MaxInterval = Duration("maxInterval", defaults.MaxInterval),
            MaxElapsedTime = Duration("maxElapsedTime", defaults.MaxElapsedTime),
            MaxRetries = (int)Number("maxRetries", defaults.MaxRetries),
        };
    }
}
