using Dapr.Actors.Runtime;
using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.Publishing;
using Microsoft.Extensions.Options;

namespace DaprOrders.Orders.Validation;

/// <summary>
/// One order's validation, durable across restarts: it records the order, collects the three checks' results and
/// publishes CREATED, then exactly one verdict. Every change is saved before anything is published, and whatever
/// is saved but not yet published is published again by the next call, redelivery or the deadline reminder.
/// </summary>
[Actor(TypeName = TypeName)]
public sealed class OrderValidationActor : Actor, IOrderValidationActor, IRemindable
{
    public const string TypeName = "OrderValidationActor";
    internal const string DeadlineReminder = "deadline";
    private const string ProgressKey = "progress";

    private readonly IEventPublisher _publisher;
    private readonly ValidationOptions _options;

    public OrderValidationActor(ActorHost host, IEventPublisher publisher, IOptions<ValidationOptions> options)
        : base(host)
    {
        _publisher = publisher;
        _options = options.Value;
    }

    /// <summary>For tests: the Dapr test host has no sidecar, so the state manager is a test double.</summary>
    internal OrderValidationActor(ActorHost host, IEventPublisher publisher, IOptions<ValidationOptions> options, IActorStateManager stateManager)
        : this(host, publisher, options)
    {
        StateManager = stateManager;
    }

    public async Task<SubmitOutcome> SubmitAsync(Order order, CancellationToken cancellationToken = default)
    {
        var existing = await StateManager.TryGetStateAsync<ValidationProgress>(ProgressKey, cancellationToken);
        if (existing.HasValue)
        {
            var outcome = ValidationRules.CompareResubmission(existing.Value.Order, order);
            if (outcome == SubmitOutcome.AlreadyAccepted)
            {
                // A crash may have come between saving and publishing: the client's retry finishes the job.
                await PublishPendingAsync(existing.Value, cancellationToken);
            }

            return outcome;
        }

        // Deadline first: if we crash after this but before saving, the reminder finds no order and stops.
        // The other way round, a saved order could be left without a deadline.
        // Empty (not null) data: the reminder callback then carries "data":"", which every runtime round-trips.
        await RegisterReminderAsync(DeadlineReminder, [], _options.Timeout, _options.RetryInterval);
        var progress = ValidationProgress.Start(order);
        await SaveAsync(progress, cancellationToken);
        Logger.LogInformation("Order {OrderId} accepted; validation deadline in {Timeout}", order.Id, _options.Timeout);
        await PublishPendingAsync(progress, cancellationToken);
        return SubmitOutcome.Accepted;
    }

    public async Task RecordAsync(OrderValidation validation, CancellationToken cancellationToken = default)
    {
        var existing = await StateManager.TryGetStateAsync<ValidationProgress>(ProgressKey, cancellationToken);
        if (!existing.HasValue)
        {
            // Results follow CREATED, which is published only after the order is saved: nothing to attach to.
            Logger.LogWarning("Ignoring {CheckType} {Result} for unknown order {OrderId}", validation.CheckType, validation.Result, validation.OrderId);
            return;
        }

        var progress = existing.Value;
        var next = ValidationRules.Record(progress, validation);
        if (next != progress)
        {
            await SaveAsync(next, cancellationToken);
            Logger.LogInformation("Order {OrderId}: {CheckType} {Result}; verdict {Verdict}",
                validation.OrderId, validation.CheckType, validation.Result, next.Verdict?.ToString() ?? "pending");
        }
        else
        {
            Logger.LogDebug("Order {OrderId}: ignoring {CheckType} {Result} (duplicate or after the verdict)",
                validation.OrderId, validation.CheckType, validation.Result);
        }

        await PublishPendingAsync(next, cancellationToken);
    }

    public async Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        if (reminderName != DeadlineReminder)
        {
            return;
        }

        var existing = await StateManager.TryGetStateAsync<ValidationProgress>(ProgressKey);
        if (!existing.HasValue)
        {
            await UnregisterReminderAsync(DeadlineReminder);
            return;
        }

        var progress = existing.Value;
        var decided = ValidationRules.AtDeadline(progress);
        if (decided != progress)
        {
            Logger.LogWarning("Order {OrderId} timed out after {Timeout} with {Results} of {Required} results: FAILED",
                progress.Order.Id, _options.Timeout, progress.Results.Count, ValidationRules.RequiredChecks.Count);
            await SaveAsync(decided, CancellationToken.None);
        }

        // A failure here is logged by the runtime; the reminder fires again after RetryInterval.
        var completed = await PublishPendingAsync(decided, CancellationToken.None);
        if (completed.IsComplete)
        {
            await UnregisterReminderAsync(DeadlineReminder);
        }
    }

    /// <summary>
    /// Publishes, in order, whatever is saved but not yet published; each step is saved as done. When that
    /// completes the validation, the deadline reminder is no longer needed.
    /// </summary>
    private async Task<ValidationProgress> PublishPendingAsync(ValidationProgress progress, CancellationToken cancellationToken)
    {
        if (progress.IsComplete)
        {
            return progress;
        }

        var order = progress.Order;
        if (!progress.CreatedPublished)
        {
            await _publisher.PublishAsync(Topics.Orders, order.Id, order, cancellationToken);
            progress = progress with { CreatedPublished = true };
            await SaveAsync(progress, cancellationToken);
        }

        if (progress.Verdict is { } verdict && !progress.VerdictPublished)
        {
            await _publisher.PublishAsync(Topics.Orders, order.Id, order with { State = verdict }, cancellationToken);
            progress = progress with { VerdictPublished = true };
            await SaveAsync(progress, cancellationToken);
            Logger.LogInformation("Order {OrderId} is {Verdict}", order.Id, verdict);
        }

        if (progress.IsComplete)
        {
            await UnregisterReminderAsync(DeadlineReminder);
        }

        return progress;
    }

    // Saved explicitly, not at the end of the turn: the state must be durable before anything is published.
    private async Task SaveAsync(ValidationProgress progress, CancellationToken cancellationToken)
    {
        await StateManager.SetStateAsync(ProgressKey, progress, cancellationToken);
        await StateManager.SaveStateAsync(cancellationToken);
    }
}
