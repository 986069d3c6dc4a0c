using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Resiliency;

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

    public static InboundResiliency For(RuntimeResources resources, string component, string appId)
    {
        RetryPolicy? retry = null;
        TimeSpan? timeout = null;
        var user = $"component '{component}'";
        foreach (var document in ResiliencyDocument.For(resources, appId))
        {
            var inbound = document.Target("components", component) is { } target && target.TryGetValue("inbound", out var value)
                ? value as IReadOnlyDictionary<string, object?> ?? new Dictionary<string, object?>()
                : new Dictionary<string, object?>();

            if ((ResiliencyDocument.Text(inbound, "retry") ?? document.DefaultRetry(DefaultRetryPolicies)) is { } retryName)
            {
                retry = document.Retry(retryName, user).Policy;
            }

            if ((ResiliencyDocument.Text(inbound, "timeout") ?? document.DefaultTimeout(DefaultTimeoutPolicies)) is { } timeoutName)
            {
                timeout = document.Timeout(timeoutName, user);
            }
        }

        return new InboundResiliency(retry, timeout);
    }
}
