using Dapr.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DaprOrders.ServiceDefaults.Health;

/// <summary>Readiness only: the sidecar's outbound APIs (state, pub/sub) answer. Never part of liveness.</summary>
internal sealed class DaprSidecarHealthCheck(DaprClient dapr) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var healthy = await dapr.CheckOutboundHealthAsync(cancellationToken);
        return healthy ? HealthCheckResult.Healthy() : new HealthCheckResult(context.Registration.FailureStatus, "The Dapr sidecar is not ready.");
    }
}
