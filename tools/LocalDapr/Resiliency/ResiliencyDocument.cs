using System.Globalization;
using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Timing;

namespace DaprOrders.LocalDapr.Resiliency;

/// <summary>
/// One `Resiliency` resource (docs operations/resiliency/resiliency-overview.md): named policies under
/// `spec.policies` (`retries`, `timeouts`, `circuitBreakers`) and the targets that use them under `spec.targets`
/// (`apps`, `actors`, `components`). A target that names no policy falls back to the default policies, named by
/// template, most specific first (dapr pkg/resiliency/resiliency.go getDefaultPolicy; docs
/// resiliency/policies/default-policies.md): e.g. `DefaultAppRetryPolicy`, then `DefaultRetryPolicy`.
/// </summary>
public sealed class ResiliencyDocument
{
    private static readonly IReadOnlyDictionary<string, object?> Empty = new Dictionary<string, object?>();

    private readonly IReadOnlyDictionary<string, object?> _retries;
    private readonly IReadOnlyDictionary<string, object?> _timeouts;
    private readonly IReadOnlyDictionary<string, object?> _circuitBreakers;
    private readonly IReadOnlyDictionary<string, object?> _targets;
    private readonly string _where;

    private ResiliencyDocument(ResourceDocument document)
    {
        _where = $"{document.SourceFile}: Resiliency '{document.Name}'";
        var policies = Map(document.Spec, "policies");
        _retries = Map(policies, "retries");
        _timeouts = Map(policies, "timeouts");
        _circuitBreakers = Map(policies, "circuitBreakers");
        _targets = Map(document.Spec, "targets");
    }

    /// <summary>
    /// The Resiliency resources that apply to <paramref name="appId"/>'s sidecar (unscoped or scoped to it).
    /// </summary>
    public static IEnumerable<ResiliencyDocument> For(RuntimeResources resources, string appId) => resources
        .OfKind("Resiliency")
        .Where(d => d.Scopes.Count == 0 || d.Scopes.Contains(appId, StringComparer.Ordinal))
        .Select(d => new ResiliencyDocument(d));

    /// <summary>
    /// `spec.targets.{kind}.{name}`, or null when the resource does not target it.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Target(string kind, string name) =>
        Map(_targets, kind).TryGetValue(name, out var value) ? value as IReadOnlyDictionary<string, object?> ?? Empty : null;

    /// <summary>
    /// The first default retry policy of <paramref name="names"/> this resource defines.
    /// </summary>
    public string? DefaultRetry(IEnumerable<string> names) => names.FirstOrDefault(_retries.ContainsKey);

    /// <summary>
    /// The first default timeout policy of <paramref name="names"/> this resource defines.
    /// </summary>
    public string? DefaultTimeout(IEnumerable<string> names) => names.FirstOrDefault(_timeouts.ContainsKey);

    /// <summary>
    /// The first default circuit breaker policy of <paramref name="names"/> this resource defines.
    /// </summary>
    public string? DefaultCircuitBreaker(IEnumerable<string> names) => names.FirstOrDefault(_circuitBreakers.ContainsKey);

    /// <summary>
    /// The retry policy <paramref name="name"/>, decoded as dapr/kit retry.Config with its `matching`.
    /// </summary>
    public (RetryPolicy Policy, RetryMatching Matching) Retry(string name, string user)
    {
        var fields = _retries.TryGetValue(name, out var value) && value is IReadOnlyDictionary<string, object?> map
            ? map
            : throw new FormatException($"{_where}: retry policy '{name}' of {user} is not defined");
        var where = $"{_where}: retry policy '{name}'";
        var scalars = fields.Where(f => f.Value is string).ToDictionary(f => f.Key, f => (string)f.Value!, StringComparer.Ordinal);
        return (RetryPolicy.Decode(scalars, "", where), RetryMatching.Decode(fields, where));
    }

    /// <summary>
    /// The timeout <paramref name="nameOrDuration"/>: a target may name a timeout policy or give a duration.
    /// </summary>
    public TimeSpan Timeout(string nameOrDuration, string user)
    {
        var text = _timeouts.TryGetValue(nameOrDuration, out var named) ? named as string : nameOrDuration;
        return text is not null && DaprDurations.TryParseGoDuration(text, out var duration)
            ? duration
            : throw new FormatException($"{_where}: timeout '{nameOrDuration}' of {user} is not a duration");
    }

    /// <summary>
    /// The circuit breaker policy <paramref name="name"/>.
    /// </summary>
    public CircuitBreakerPolicy CircuitBreaker(string name, string user)
    {
        var fields = _circuitBreakers.TryGetValue(name, out var value) && value is IReadOnlyDictionary<string, object?> map
            ? map
            : throw new FormatException($"{_where}: circuit breaker '{name}' of {user} is not defined");
        var where = $"{_where}: circuit breaker '{name}'";

        TimeSpan Duration(string field, TimeSpan fallback) => Text(fields, field) is not { } text ? fallback
            : DaprDurations.TryParseGoDuration(text, out var duration) ? duration
            : throw new FormatException($"{where}: {field} '{text}' is not a duration (e.g. 30s)");

        var maxRequests = Text(fields, "maxRequests") is not { } count ? 1
            : long.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed
            : throw new FormatException($"{where}: maxRequests '{count}' is not a whole number");
        TripExpression trip;
        try
        {
            trip = Text(fields, "trip") is { } expression ? TripExpression.Parse(expression) : TripExpression.Default;
        }
        catch (FormatException e)
        {
            throw new FormatException($"{where}: {e.Message}");
        }

        var timeout = Duration("timeout", TimeSpan.Zero);
        return new CircuitBreakerPolicy(maxRequests, Duration("interval", TimeSpan.Zero), timeout > TimeSpan.Zero ? timeout : TimeSpan.FromSeconds(60), trip);
    }

    /// <summary>
    /// The non-empty text of <paramref name="key"/>, or null.
    /// </summary>
    public static string? Text(IReadOnlyDictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out var value) && value is string { Length: > 0 } text ? text : null;

    private static IReadOnlyDictionary<string, object?> Map(IReadOnlyDictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out var value) && value is IReadOnlyDictionary<string, object?> child ? child : Empty;
}
