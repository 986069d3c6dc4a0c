using Dapr.Workflow;
using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.State;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace DaprOrders.Orders.Validation;

/// <summary>
/// Accepts posted orders. The first POST of an id records the order in the state store with a first write (insert
/// only: of two instances racing with the same POST exactly one write succeeds, and a later POST's write fails), then
/// schedules the order's <see cref="OrderValidationWorkflow"/> (instance id = order id). The record, not the workflow,
/// answers later POSTs: other content is a conflict; the same content makes sure the workflow exists until the order
/// is decided, which heals a crash between recording and scheduling when the client retries. A decided order is
/// never scheduled again, however long ago its workflow finished or was purged.
/// </summary>
internal sealed class OrderAcceptance(
    IStateStore store, DaprWorkflowClient workflows, ValidationsInFlight inFlight, IOptions<ValidationOptions> options,
    OrdersMetrics metrics, TimeProvider time,
    ILogger<OrderAcceptance> logger)
{
    public async Task<AcceptOutcome> AcceptAsync(Order order, CancellationToken cancellationToken)
    {
        var key = AcceptedOrder.KeyFor(order.Id);
        // A first POST costs one state call: the first write either records the order or says it is recorded. A full
        // instance reads instead, since a re-POST of an accepted order is answered even then.
        var hadRoom = inFlight.HasRoom;
        if (hadRoom && await store.TrySaveAsync(key, new AcceptedOrder(order, null), etag: null, cancellationToken))
        {
            inFlight.Accepted(order.Id);
            // Recorded: from here the order is ours, so a client that hangs up does not stop its workflow starting.
            await ScheduleAsync(order, CancellationToken.None);
            metrics.Accepted();
            logger.LogDebug("Order {OrderId} accepted; validation deadline {Timeout} after CREATED", order.Id, options.Value.Timeout);
            return AcceptOutcome.Accepted;
        }

        var existing = await store.GetAsync<AcceptedOrder>(key, cancellationToken);
        if (existing.Value is null && !hadRoom)
        {
            // Refused before anything is written: the same POST later is a first POST again.
            return AcceptOutcome.Busy;
        }

        var accepted = existing.Value
            ?? throw new InvalidOperationException($"Order {order.Id}: the first write lost, yet no record can be read.");
        var outcome = ValidationRules.CompareResubmission(accepted.Order, order);
        if (outcome == AcceptOutcome.AlreadyAccepted && accepted.Verdict is null)
        {
            // Normally running already (then the start is refused); scheduled here if the accepting POST crashed
            // before it could, or if the run ended without a verdict.
            await ScheduleAsync(accepted.Order, cancellationToken);
        }

        return outcome;
    }

    private async Task ScheduleAsync(Order order, CancellationToken cancellationToken)
    {
        try
        {
            await workflows.ScheduleNewWorkflowAsync(
                nameof(OrderValidationWorkflow), order.Id, new OrderValidationInput(order, options.Value.Timeout, time.GetUtcNow()), startTime: null, cancellationToken);
        }
        catch (RpcException exception) when (WorkflowErrors.IsAlreadyRunning(exception))
        {
            logger.LogDebug("Order {OrderId}: its validation workflow is running already", order.Id);
        }
    }
}
