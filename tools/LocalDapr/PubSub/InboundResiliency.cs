using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Timing;

namespace DaprOrders.LocalDapr.PubSub;

/// <summary>
/// What a `Resiliency` resource says about delivering a component's messages to an app
/// (`spec.targets.components.{name}.inbound`: a retry policy and a per-attempt timeout), falling back to the
/// named default policies DefaultComponentInboundRetryPolicy, DefaultComponentRetryPolicy and DefaultRetryPolicy
/// (docs: resiliency-overview.md, default-policies.md). Without any, a delivery is attempted once.
/// </summary>
public sealed record InboundResiliency(RetryPolicy? Retry, TimeSpan? Timeout)
{
    private static readonly string[] DefaultRetryPolicies = ["DefaultComponentInboundRetryPolicy", "DefaultComponentRetryPolicy", "DefaultRetryPolicy"];
    private static readonly string[] DefaultTimeoutPolicies = ["DefaultComponentInboundTimeoutPolicy", "DefaultComponentTimeoutPolicy", "DefaultTimeoutPolicy"];

    public static InboundResiliency None { get; } = new(null, null);

    public static InboundResiliency For(IEnumerable<ResourceDocument> resiliencies, string component, string appId)
    {
        RetryPolicy? retry = null;
        TimeSpan? timeout = null;
        foreach (var document in resiliencies.Where(d => d.Scopes.Count == 0 || d.Scopes.Contains(appId, StringComparer.Ordinal)))
        {
            var where = $"{document.SourceFile}: Resiliency '{document.Name}'";
            var policies = Map(document.Spec, "policies");
            var retries = Map(policies, "retries");
            var timeouts = Map(policies, "timeouts");
            var inbound = Map(Map(Map(Map(document.Spec, "targets"), "components"), component), "inbound");

            var retryName = Text(inbound, "retry")
                ?? DefaultRetryPolicies.FirstOrDefault(retries.ContainsKey);
            if (retryName is not null)
            {
                var policy = retries.TryGetValue(retryName, out var value) && value is IReadOnlyDictionary<string, object?> fields
                    ? fields
                    : throw new FormatException($"{where}: retry policy '{retryName}' of component '{component}' is not defined");
                retry = RetryPolicy.Decode(
                    fields.ToDictionary(f => f.Key, f => f.Value as string ?? "", StringComparer.Ordinal), "", $"{where}: retry policy '{retryName}'");
            }

            var timeoutName = Text(inbound, "timeout")
                ?? DefaultTimeoutPolicies.FirstOrDefault(timeouts.ContainsKey);
            if (timeoutName is not null)
            {
                // A target may name a timeout policy or give a duration directly.
                var text = timeouts.TryGetValue(timeoutName, out var named) ? named as string : timeoutName;
                timeout = text is not null && DaprDurations.TryParseGoDuration(text, out var duration)
                    ? duration
                    : throw new FormatException($"{where}: timeout '{timeoutName}' of component '{component}' is not a duration");
            }
        }

        return new InboundResiliency(retry, timeout);
    }

    private static IReadOnlyDictionary<string, object?> Map(IReadOnlyDictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out var value) && value is IReadOnlyDictionary<string, object?> child ? child : Empty;

    private static string? Text(IReadOnlyDictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out var value) && value is string { Length: > 0 } text ? text : null;

    private static readonly IReadOnlyDictionary<string, object?> Empty = new Dictionary<string, object?>();
}
