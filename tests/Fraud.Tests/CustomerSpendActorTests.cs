using Dapr.Actors;
using Dapr.Actors.Runtime;
using DaprOrders.Contracts;
using DaprOrders.TestDoubles;
using Microsoft.Extensions.Options;

namespace DaprOrders.Fraud.Tests;

public sealed class CustomerSpendActorTests
{
    private readonly string _customer = $"c-{Guid.NewGuid():N}";
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryActorStateManager _state = new();
    private int _orders;

    // A fresh instance over the committed state, as the runtime activates it after a restart or deactivation.
    private CustomerSpendActor NewActivation(FraudOptions? options = null)
    {
        _state.Restart();
        var host = ActorHost.CreateForTest<CustomerSpendActor>(new ActorTestOptions
        {
            ActorId = new ActorId(_customer),
            JsonSerializerOptions = ContractsJson.Options,
        });
        return new CustomerSpendActor(host, _clock, Options.Create(options ?? new FraudOptions()), _state);
    }

    private Order NewOrder(decimal price) => new($"o-{++_orders}", _customer, OrderState.Created, Product.Underpants, 1, price);

    private async Task<OrderValidationResult> Check(Order order) =>
        (await NewActivation().CheckAsync(order, TestContext.Current.CancellationToken)).Result;

    private SpendingWindow Saved => _state.Committed<SpendingWindow>(CustomerSpendActor.WindowKey)!;

    [Fact]
    public async Task The_check_is_a_fraud_check_of_the_order()
    {
        var order = NewOrder(10m);

        var validation = await NewActivation().CheckAsync(order, TestContext.Current.CancellationToken);

        Assert.Equal(new OrderValidation(order.Id, OrderValidationType.FraudCheck, OrderValidationResult.Pass), validation);
    }

    [Fact]
    public async Task Orders_of_one_session_are_summed_and_the_one_reaching_the_limit_fails()
    {
        Assert.Equal(OrderValidationResult.Pass, await Check(NewOrder(800m)));
        _clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(OrderValidationResult.Pass, await Check(NewOrder(700m)));
        _clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(OrderValidationResult.Fail, await Check(NewOrder(500m)));

        Assert.Equal(2000m, Saved.Total);
        Assert.Equal(3, Saved.Verdicts.Count);
    }

    [Fact]
    public async Task After_an_hour_without_orders_the_session_starts_again()
    {
        await Check(NewOrder(1900m));
        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        Assert.Equal(OrderValidationResult.Pass, await Check(NewOrder(1900m)));
        Assert.Equal(1900m, Saved.Total);
        Assert.Equal(_clock.Now, Saved.StartedAt);
    }

    [Fact]
    public async Task A_replayed_order_is_not_counted_twice_and_gets_the_same_verdict()
    {
        var order = NewOrder(1500m);
        await Check(order);
        var saves = _state.Saves;

        Assert.Equal(OrderValidationResult.Pass, await Check(order));
        Assert.Equal(OrderValidationResult.Pass, await Check(NewOrder(499m)));

        Assert.Equal(1999m, Saved.Total);
        // The replay changed nothing, so it wrote nothing.
        Assert.Equal(saves + 1, _state.Saves);
    }

    [Fact]
    public async Task A_replayed_failed_order_fails_again()
    {
        var order = NewOrder(2500m);
        await Check(order);

        Assert.Equal(OrderValidationResult.Fail, await Check(order));
        Assert.Equal(2500m, Saved.Total);
    }

    [Fact]
    public async Task A_verdict_that_could_not_be_saved_is_decided_again_from_the_saved_window()
    {
        var order = NewOrder(1500m);
        _state.FailNextSave();
        await Assert.ThrowsAsync<InvalidOperationException>(() => NewActivation().CheckAsync(order, TestContext.Current.CancellationToken));

        // Nothing was counted, so the redelivery counts it once.
        Assert.Equal(OrderValidationResult.Pass, await Check(order));
        Assert.Equal(1500m, Saved.Total);
    }

    [Fact]
    public async Task The_configured_limit_and_gap_are_used()
    {
        var options = new FraudOptions { Limit = 100m, SessionGap = TimeSpan.FromMinutes(5) };
        var actor = NewActivation(options);
        Assert.Equal(OrderValidationResult.Pass, (await actor.CheckAsync(NewOrder(60m), TestContext.Current.CancellationToken)).Result);
        _clock.Advance(TimeSpan.FromMinutes(6));

        Assert.Equal(OrderValidationResult.Pass, (await NewActivation(options).CheckAsync(NewOrder(60m), TestContext.Current.CancellationToken)).Result);
        Assert.Equal(OrderValidationResult.Fail, (await NewActivation(options).CheckAsync(NewOrder(40m), TestContext.Current.CancellationToken)).Result);
    }
}
