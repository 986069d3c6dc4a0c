using Dapr.Workflow;
using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.Publishing;
using DaprOrders.ServiceDefaults.State;

namespace DaprOrders.Orders.Validation;

/// <summary>
/// Publishes the order in its verdict's state (VALIDATED or FAILED, key = order id), then records the verdict on the
/// accepted order. In that order: a crash in between publishes again on the next attempt (harmless downstream), and
/// once the verdict is recorded it has been published, so an attempt that finds it recorded publishes nothing.
/// Returns the verdict that was published. The attempt that records the verdict logs it, once per order, with its
/// reason and the time since the POST (under the activity's span, so the line carries the order's trace), and counts it.
/// </summary>
internal sealed class PublishVerdictActivity(
    IEventPublisher publisher, IStateStore store, OrdersMetrics metrics, TimeProvider time, ILogger<PublishVerdictActivity> logger)
    : WorkflowActivity<OrderVerdict, OrderState>
{
    // The POST wrote the record before the workflow started and nothing else writes it now: a lost race is rare.
    private const int MaxAttempts = 10;

    public override async Task<OrderState> RunAsync(WorkflowActivityContext context, OrderVerdict verdict)
    {
        var decided = verdict.Order;
        var key = AcceptedOrder.KeyFor(decided.Id);
        // Activities get no cancellation token from the SDK; a stopping app abandons the attempt and the engine
        // dispatches it again.
        var cancellationToken = CancellationToken.None;
        var entry = await store.GetAsync<AcceptedOrder>(key, cancellationToken);
        if (entry.Value?.Verdict is { } recorded)
        {
            return recorded;
        }

        await publisher.PublishAsync(Topics.Orders, decided.Id, decided, cancellationToken);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            // Normally the POST recorded the order; should the record be gone, the verdict still gets one.
            var accepted = entry.Value ?? new AcceptedOrder(decided with { State = OrderState.Created }, null);
            if (await store.TrySaveAsync(key, accepted with { Verdict = decided.State }, entry.ETag, cancellationToken))
            {
                var sincePosted = verdict.PostedAt is { } posted ? time.GetUtcNow() - posted : (TimeSpan?)null;
                metrics.Decided(decided.State, verdict.Reason, sincePosted);
                logger.LogInformation("Order {OrderId} is {Verdict} ({Reason}) {LatencyMs} ms after it was posted",
                    decided.Id, decided.State, verdict.Reason, sincePosted?.TotalMilliseconds);
                return decided.State;
            }

            entry = await store.GetAsync<AcceptedOrder>(key, cancellationToken);
            if (entry.Value?.Verdict is { } recordedMeanwhile)
            {
                return recordedMeanwhile;
            }
        }

        // Thrown to the workflow, whose retry policy runs the activity again.
        throw new InvalidOperationException($"Order {decided.Id}: the accepted order kept changing during {MaxAttempts} attempts to record its verdict.");
    }
}
