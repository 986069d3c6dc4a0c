using Dapr.Workflow;
using DaprOrders.Contracts;

namespace DaprOrders.Orders.Validation;

/// <summary>
/// The input of one order's validation: everything the workflow decides with travels in it, so every replay of the
/// workflow decides the same, whatever the configuration says by then.
/// </summary>
/// <param name="Order">The order as accepted (state CREATED).</param>
/// <param name="Timeout">How long the checks have to answer once CREATED is published (<see cref="ValidationOptions.Timeout"/>).</param>
/// <param name="PostedAt">When the POST accepted the order, for the POST-to-verdict latency; null in workflows started before it was recorded.</param>
public sealed record OrderValidationInput(Order Order, TimeSpan Timeout, DateTimeOffset? PostedAt = null);

/// <summary>The input of <see cref="PublishVerdictActivity"/>: the order in its verdict's state, and why.</summary>
/// <param name="Order">The order, VALIDATED or FAILED.</param>
/// <param name="Reason">See <see cref="ValidationRules.ReasonFor"/>, or <see cref="ValidationRules.DeadlineReason"/>.</param>
/// <param name="PostedAt">When the POST accepted the order.</param>
public sealed record OrderVerdict(Order Order, string Reason, DateTimeOffset? PostedAt);

/// <summary>
/// One order's validation (instance id = order id): publish it as CREATED, wait for the three checks' results under
/// one deadline, publish the verdict. The results arrive as external events, one name per check
/// (<see cref="ValidationRules.EventName"/>), raised by the order-validations subscription; the SDK buffers an event
/// that arrives before the workflow waits for it. Output: the verdict.
/// </summary>
internal sealed class OrderValidationWorkflow : Workflow<OrderValidationInput, OrderState>
{
    // Publishing goes through the sidecar to Kafka, and either may be away for a while. An activity that gives up
    // would leave an accepted order without a verdict for good, so it is retried for as long as it takes, backing off
    // to one attempt a minute so that a long outage costs few attempts (each one is a timer and a task in history).
    internal static readonly WorkflowTaskOptions PublishRetries = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: int.MaxValue,
        firstRetryInterval: TimeSpan.FromSeconds(1),
        backoffCoefficient: 2,
        maxRetryInterval: TimeSpan.FromMinutes(1)));

    public override async Task<OrderState> RunAsync(WorkflowContext context, OrderValidationInput input)
    {
        var order = input.Order;
        var decidedEarlier = await context.CallActivityAsync<OrderState?>(nameof(PublishCreatedActivity), order, PublishRetries);
        if (decidedEarlier is { } earlier)
        {
            // A second run under a used id (Dapr starts a new run over a finished instance): nothing to do.
            return earlier;
        }

        var (verdict, reason) = await WaitForVerdictAsync(context, input.Timeout);
        return await context.CallActivityAsync<OrderState>(
            nameof(PublishVerdictActivity), new OrderVerdict(order with { State = verdict }, reason, input.PostedAt), PublishRetries);
    }

    private static async Task<(OrderState Verdict, string Reason)> WaitForVerdictAsync(WorkflowContext context, TimeSpan timeout)
    {
        var logger = context.CreateReplaySafeLogger<OrderValidationWorkflow>();
        // One durable timer for the whole wait: the deadline does not move as results come in.
        var deadline = context.CreateTimer(context.CurrentUtcDateTime + timeout, CancellationToken.None);
        List<Task> pending = [.. ValidationRules.RequiredChecks.Select(check =>
            context.WaitForExternalEventAsync<OrderValidation>(ValidationRules.EventName(check)))];
        List<OrderValidation> results = [];
        while (true)
        {
            // The SDK completes these tasks synchronously, in history order, so every replay sees the same winner.
            var next = await Task.WhenAny([deadline, .. pending]);
            if (next == deadline)
            {
                logger.LogWarning("Order {OrderId} timed out after {Timeout} with {Results} of {Required} results: FAILED",
                    context.InstanceId, timeout, results.Count, ValidationRules.RequiredChecks.Count);
                return (OrderState.Failed, ValidationRules.DeadlineReason);
            }

            pending.Remove(next);
            var result = await (Task<OrderValidation>)next;
            results.Add(result);
            logger.LogDebug("Order {OrderId}: {CheckType} {Result}", context.InstanceId, result.CheckType, result.Result);
            if (ValidationRules.Decide(results) is { } verdict)
            {
                return (verdict, ValidationRules.ReasonFor(results));
            }
        }
    }
}
