using Dapr.Actors;
using Dapr.Actors.Runtime;
using DaprOrders.Contracts;
using DaprOrders.Orders.Validation;
using DaprOrders.TestDoubles;
using Microsoft.Extensions.Options;

namespace DaprOrders.Orders.Tests;

public sealed class OrderValidationActorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly Order _order = new($"o-{Guid.NewGuid():N}", "c-1", OrderState.Created, Product.Underpants, 3, 45m);
    private readonly RecordingEventPublisher _publisher = new();
    private readonly InMemoryActorStateManager _state = new();
    private readonly RecordingActorTimerManager _timers = new();
    private OrderValidationActor _actor;

    public OrderValidationActorTests() => _actor = NewActivation();

    // A fresh instance over the same committed state: what the runtime does after a crash or deactivation.
    private OrderValidationActor NewActivation()
    {
        _state.Restart();
        var host = ActorHost.CreateForTest<OrderValidationActor>(new ActorTestOptions
        {
            ActorId = new ActorId(_order.Id),
            TimerManager = _timers,
            JsonSerializerOptions = ContractsJson.Options,
        });
        var options = Options.Create(new ValidationOptions { Timeout = Timeout, RetryInterval = TimeSpan.FromSeconds(5) });
        return new OrderValidationActor(host, _publisher, options, _state);
    }

    private IReadOnlyList<OrderState> PublishedStates() => [.. _publisher.On<Order>(Topics.Orders).Select(o => o.State)];

    private Task Record(OrderValidationType type, OrderValidationResult result) =>
        _actor.RecordAsync(new OrderValidation(_order.Id, type, result), TestContext.Current.CancellationToken);

    private async Task PassAll()
    {
        foreach (var type in ValidationRules.RequiredChecks)
        {
            await Record(type, OrderValidationResult.Pass);
        }
    }

    private Task FireDeadline() =>
        _actor.ReceiveReminderAsync(OrderValidationActor.DeadlineReminder, [], Timeout, TimeSpan.FromSeconds(5));

    [Fact]
    public async Task Submit_publishes_the_order_as_created_once_keyed_by_its_id()
    {
        var outcome = await _actor.SubmitAsync(_order, TestContext.Current.CancellationToken);

        Assert.Equal(SubmitOutcome.Accepted, outcome);
        var published = Assert.Single(_publisher.Published);
        Assert.Equal(Topics.Orders, published.Topic);
        Assert.Equal(_order.Id, published.Key);
        Assert.Equal(_order, published.Message);
    }

    [Fact]
    public async Task Submit_saves_the_order_before_publishing_and_starts_the_deadline()
    {
        _publisher.FailNext();

        await Assert.ThrowsAsync<InvalidOperationException>(() => _actor.SubmitAsync(_order, TestContext.Current.CancellationToken));

        var saved = _state.Committed<ValidationProgress>("progress");
        Assert.NotNull(saved);
        Assert.Equal(_order, saved.Order);
        Assert.False(saved.CreatedPublished);
        var deadline = Assert.Contains(OrderValidationActor.DeadlineReminder, _timers.Reminders);
        Assert.Equal(Timeout, deadline.DueTime);
    }

    [Fact]
    public async Task Resubmitting_the_same_order_publishes_nothing_new()
    {
        await _actor.SubmitAsync(_order, TestContext.Current.CancellationToken);

        var outcome = await NewActivation().SubmitAsync(_order with { }, TestContext.Current.CancellationToken);

        Assert.Equal(SubmitOutcome.AlreadyAccepted, outcome);
        Assert.Single(_publisher.Published);
    }

    [Fact]
    public async Task Submitting_a_different_order_under_the_same_id_is_a_conflict()
    {
        await _actor.SubmitAsync(_order, TestContext.Current.CancellationToken);

        var outcome = await _actor.SubmitAsync(_order with { Quantity = 99 }, TestContext.Current.CancellationToken);

        Assert.Equal(SubmitOutcome.Conflict, outcome);
        Assert.Equal([OrderState.Created], PublishedStates());
        Assert.Equal(3, _state.Committed<ValidationProgress>("progress")!.Order.Quantity);
    }

    [Fact]
    public async Task Resubmitting_after_a_failed_publish_publishes_the_created_order()
    {
        _publisher.FailNext();
        await Assert.ThrowsAsync<InvalidOperationException>(() => _actor.SubmitAsync(_order, TestContext.Current.CancellationToken));
        _actor = NewActivation();

        var outcome = await _actor.SubmitAsync(_order, TestContext.Current.CancellationToken);

        Assert.Equal(SubmitOutcome.AlreadyAccepted, outcome);
        Assert.Equal([OrderState.Created], PublishedStates());
        Assert.True(_state.Committed<ValidationProgress>("progress")!.CreatedPublished);
    }

    [Fact]
    public async Task The_deadline_reminder_publishes_an_order_whose_publish_failed()
    {
        _publisher.FailNext();
        await Assert.ThrowsAsync<InvalidOperationException>(() => _actor.SubmitAsync(_order, TestContext.Current.CancellationToken));
        _actor = NewActivation();

        await FireDeadline();

        // Not lost: it is published, and as nobody validated it in time, it fails.
        Assert.Equal([OrderState.Created, OrderState.Failed], PublishedStates());
    }

    [Fact]
    public async Task Three_passes_publish_validated_once_and_stop_the_deadline()
    {
        await _actor.SubmitAsync(_order, TestContext.Current.CancellationToken);

        await PassAll();
        await PassAll();

        Assert.Equal([OrderState.Created, OrderState.Validated], PublishedStates());
        Assert.DoesNotContain(OrderValidationActor.DeadlineReminder, _timers.Reminders.Keys);
    }

    [Fact]
    public async Task The_first_fail_publishes_failed_and_later_passes_are_ignored()
    {
        await _actor.SubmitAsync(_order, TestContext.Current.CancellationToken);

        await Record(OrderValidationType.FraudCheck, OrderValidationResult.Fail);
        await PassAll();

        Assert.Equal([OrderState.Created, OrderState.Failed], PublishedStates());
        Assert.Equal(OrderState.Failed, _publisher.On<Order>(Topics.Orders)[^1].State);
    }

    [Fact]
    public async Task An_error_result_fails_the_order()
    {
        await _actor.SubmitAsync(_order, TestContext.Current.CancellationToken);

        await Record(OrderValidationType.InventoryCheck, OrderValidationResult.Error);

        Assert.Equal([OrderState.Created, OrderState.Failed], PublishedStates());
    }

    [Fact]
    public async Task Duplicate_results_do_not_count_twice()
    {
        await _actor.SubmitAsync(_order, TestContext.Current.CancellationToken);

        await Record(OrderValidationType.FraudCheck, OrderValidationResult.Pass);
        await Record(OrderValidationType.FraudCheck, OrderValidationResult.Pass);
        await Record(OrderValidationType.InventoryCheck, OrderValidationResult.Pass);
        await Record(OrderValidationType.InventoryCheck, OrderValidationResult.Pass);

        Assert.Equal([OrderState.Created], PublishedStates());
        Assert.Equal(2, _state.Committed<ValidationProgress>("progress")!.Results.Count);
    }

    [Fact]
    public async Task The_deadline_fails_an_order_without_a_verdict()
    {
        await _actor.SubmitAsync(_order, TestContext.Current.CancellationToken);
        await Record(OrderValidationType.FraudCheck, OrderValidationResult.Pass);

        await FireDeadline();

        Assert.Equal([OrderState.Created, OrderState.Failed], PublishedStates());
        Assert.DoesNotContain(OrderValidationActor.DeadlineReminder, _timers.Reminders.Keys);
    }

    [Fact]
    public async Task Passes_after_the_deadline_do_not_give_a_second_verdict()
    {
        await _actor.SubmitAsync(_order, TestContext.Current.CancellationToken);
        await FireDeadline();

        await PassAll();

        Assert.Equal([OrderState.Created, OrderState.Failed], PublishedStates());
    }

    [Fact]
    public async Task A_failed_verdict_publish_is_stored_first_and_retried_by_the_reminder()
    {
        await _actor.SubmitAsync(_order, TestContext.Current.CancellationToken);
        await Record(OrderValidationType.FraudCheck, OrderValidationResult.Pass);
        await Record(OrderValidationType.InventoryCheck, OrderValidationResult.Pass);
        _publisher.FailNext();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Record(OrderValidationType.OrderDetailsCheck, OrderValidationResult.Pass));

        var saved = _state.Committed<ValidationProgress>("progress")!;
        Assert.Equal(OrderState.Validated, saved.Verdict);
        Assert.False(saved.VerdictPublished);
        Assert.Contains(OrderValidationActor.DeadlineReminder, _timers.Reminders.Keys);

        _actor = NewActivation();
        await FireDeadline();

        // The stored verdict is published, not replaced by the deadline's FAILED.
        Assert.Equal([OrderState.Created, OrderState.Validated], PublishedStates());
        Assert.DoesNotContain(OrderValidationActor.DeadlineReminder, _timers.Reminders.Keys);
    }

    [Fact]
    public async Task A_redelivered_result_retries_a_failed_verdict_publish()
    {
        await _actor.SubmitAsync(_order, TestContext.Current.CancellationToken);
        _publisher.FailNext();
        await Assert.ThrowsAsync<InvalidOperationException>(() => Record(OrderValidationType.FraudCheck, OrderValidationResult.Fail));
        _actor = NewActivation();

        await Record(OrderValidationType.FraudCheck, OrderValidationResult.Fail);
        await FireDeadline();

        Assert.Equal([OrderState.Created, OrderState.Failed], PublishedStates());
    }

    [Fact]
    public async Task A_result_for_an_unknown_order_changes_nothing()
    {
        await Record(OrderValidationType.FraudCheck, OrderValidationResult.Pass);

        Assert.Empty(_publisher.Published);
        Assert.Null(_state.Committed<ValidationProgress>("progress"));
    }
}
