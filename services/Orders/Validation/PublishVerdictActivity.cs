using Dapr.Workflow;
using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.Publishing;
using DaprOrders.ServiceDefaults.State;

namespace DaprOrders.Orders.Validation;

/// <summary>
/// Publishes the order in its verdict's state (VALIDATED or FAILED, key = order id), then records the verdict on the
/// accepted order. In that order: a crash in between publishes again on the next attempt (harmless downstream), and
/// once the verdict is recorded it has been published, so an attempt that finds it recorded publishes nothing.
/// Returns the verdict that was published.
/// </summary>
internal sealed class PublishVerdictActivity(IEventPublisher publisher, IStateStore store, ILogger<PublishVerdictActivity> logger)
    : WorkflowActivity<Order, OrderState>
{
    // The POST wrote the record before the workflow started and nothing else writes it now: a lost race is rare.
    private const int MaxAttempts = 10;

    public override async Task<OrderState> RunAsync(WorkflowActivityContext context, Order decided)
    {
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
                logger.LogInformation("Order {OrderId} is {Verdict}", decided.Id, decided.State);
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
