using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Resiliency;

namespace DaprOrders.LocalDapr.Invocation;

/// <summary>
/// What the caller's Resiliency resources say about invoking an app (`spec.targets.apps.{appId}`: `timeout`,
/// `retry`, `circuitBreaker`), else the default policies DefaultApp*Policy, then Default*Policy (dapr
/// pkg/resiliency/resiliency.go EndpointPolicy). The timeout is per attempt; the retry replays the buffered request;
/// the circuit breaker counts per app and method. With no policy a call is attempted once: daprd's built-in retries
/// (BuiltInServiceRetries) are for a target sidecar it cannot reach, and locally that hop is in-process.
/// </summary>
public sealed record AppResiliency(TimeSpan? Timeout, RetryPolicy? Retry, RetryMatching RetryMatching, CircuitBreakerPolicy? CircuitBreaker)
{
    private static readonly string[] DefaultRetries = ["DefaultAppRetryPolicy", "DefaultRetryPolicy"];
    private static readonly string[] DefaultTimeouts = ["DefaultAppTimeoutPolicy", "DefaultTimeoutPolicy"];
    private static readonly string[] DefaultCircuitBreakers = ["DefaultAppCircuitBreakerPolicy", "DefaultCircuitBreakerPolicy"];

    /// <summary>
    /// No policy: each call is attempted once.
    /// </summary>
    public static AppResiliency None { get; } = new(null, null, RetryMatching.All, null);

    /// <summary>
    /// The policy <paramref name="callerAppId"/>'s sidecar applies to calls to <paramref name="targetAppId"/>.
    /// </summary>
    public static AppResiliency For(RuntimeResources resources, string callerAppId, string targetAppId)
    {
        var user = $"app '{targetAppId}'";
        AppResiliency? found = null;
        foreach (var document in ResiliencyDocument.For(resources, callerAppId))
        {
            string? retry, timeout, breaker;
            if (document.Target("apps", targetAppId) is { } target)
            {
                (retry, timeout, breaker) = (ResiliencyDocument.Text(target, "retry"), ResiliencyDocument.Text(target, "timeout"), ResiliencyDocument.Text(target, "circuitBreaker"));
            }
            else
            {
                (retry, timeout, breaker) = (document.DefaultRetry(DefaultRetries), document.DefaultTimeout(DefaultTimeouts), document.DefaultCircuitBreaker(DefaultCircuitBreakers));
                if (retry is null && timeout is null && breaker is null)
                {
                    continue;
                }
            }

            var (policy, matching) = retry is null ? (null, RetryMatching.All) : document.Retry(retry, user);
            found = new AppResiliency(
                timeout is null ? null : document.Timeout(timeout, user),
                policy,
                matching,
                breaker is null ? null : document.CircuitBreaker(breaker, user));
        }

        return found ?? None;
    }
}
