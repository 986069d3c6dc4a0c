namespace DaprOrders.Contracts.Tests;

public sealed class OrderStatesTests
{
    [Theory]
    [InlineData(OrderState.Validated, OrderState.Created, true)]
    [InlineData(OrderState.Failed, OrderState.Created, true)]
    [InlineData(OrderState.Shipped, OrderState.Validated, true)]
    [InlineData(OrderState.Created, OrderState.Validated, false)]
    [InlineData(OrderState.Created, OrderState.Failed, false)]
    [InlineData(OrderState.Validated, OrderState.Shipped, false)]
    [InlineData(OrderState.Created, OrderState.Created, false)]
    [InlineData(OrderState.Validated, OrderState.Validated, false)]
    [InlineData(OrderState.Failed, OrderState.Validated, false)]
    [InlineData(OrderState.Validated, OrderState.Failed, false)]
    public void A_state_supersedes_only_states_it_is_further_along_than(OrderState incoming, OrderState current, bool supersedes) =>
        Assert.Equal(supersedes, OrderStates.Supersedes(incoming, current));

    [Theory]
    [InlineData(OrderState.Created, false)]
    [InlineData(OrderState.Validated, true)]
    [InlineData(OrderState.Failed, true)]
    [InlineData(OrderState.Shipped, true)]
    public void Validation_is_over_from_the_verdict_on(OrderState state, bool decided) =>
        Assert.Equal(decided, OrderStates.IsDecided(state));

    [Fact]
    public void A_state_outside_the_enum_has_no_rank() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderStates.Supersedes((OrderState)42, OrderState.Created));
}
