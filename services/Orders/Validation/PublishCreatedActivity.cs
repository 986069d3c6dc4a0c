using Dapr.Workflow;
using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.Publishing;
using DaprOrders.ServiceDefaults.State;

namespace DaprOrders.Orders.Validation;

/// <summary>
/// Publishes the order as CREATED (key = order id), unless an earlier run of the workflow has already published its
/// verdict; then it returns that verdict and publishes nothing. May run more than once (activities are at least
/// once): the validators, the views and the email service all take a repeated CREATED as the same order.
/// </summary>
internal sealed class PublishCreatedActivity(IEventPublisher publisher, IStateStore store, ILogger<PublishCreatedActivity> logger)
    : WorkflowActivity<Order, OrderState?>
{
    public override async Task<OrderState?> RunAsync(WorkflowActivityContext context, Order order)
    {
        // Activities get no cancellation token from the SDK; a stopping app abandons the attempt and the engine
        // dispatches it again.
        var accepted = await store.GetAsync<AcceptedOrder>(AcceptedOrder.KeyFor(order.Id), CancellationToken.None);
        if (accepted.Value?.Verdict is { } verdict)
        {
            logger.LogWarning("Order {OrderId} was decided {Verdict} by an earlier run; this run publishes nothing", order.Id, verdict);
            return verdict;
        }

        await publisher.PublishAsync(Topics.Orders, order.Id, order, CancellationToken.None);
        logger.LogDebug("Order {OrderId} published as CREATED", order.Id);
        return null;
    }
}
