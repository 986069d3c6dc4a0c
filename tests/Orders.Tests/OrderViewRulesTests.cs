using DaprOrders.Contracts;
using DaprOrders.Orders.View;

namespace DaprOrders.Orders.Tests;

public sealed class OrderViewRulesTests
{
    private static Order InState(OrderState state) => new("o-1", "c-1", state, Product.Jumpers, 1, 10m);

    [Theory]
    [InlineData(OrderState.Created)]
    [InlineData(OrderState.Validated)]
    [InlineData(OrderState.Failed)]
    public void Any_state_fills_an_empty_view(OrderState state) =>
        Assert.True(OrderViewRules.ShouldReplace(null, InState(state)));

    [Theory]
    [InlineData(OrderState.Created, OrderState.Validated)]
    [InlineData(OrderState.Created, OrderState.Failed)]
    [InlineData(OrderState.Validated, OrderState.Shipped)]
    public void The_view_moves_forward(OrderState current, OrderState incoming) =>
        Assert.True(OrderViewRules.ShouldReplace(InState(current), InState(incoming)));

    [Theory]
    [InlineData(OrderState.Validated, OrderState.Created)]
    [InlineData(OrderState.Failed, OrderState.Created)]
    [InlineData(OrderState.Shipped, OrderState.Validated)]
    [InlineData(OrderState.Validated, OrderState.Failed)]
    [InlineData(OrderState.Failed, OrderState.Validated)]
    [InlineData(OrderState.Created, OrderState.Created)]
    public void The_view_never_moves_back_or_sideways(OrderState current, OrderState incoming) =>
        Assert.False(OrderViewRules.ShouldReplace(InState(current), InState(incoming)));

    [Theory]
    [InlineData(OrderState.Created, false)]
    [InlineData(OrderState.Validated, true)]
    [InlineData(OrderState.Failed, true)]
    [InlineData(OrderState.Shipped, true)]
    public void Validation_is_over_from_the_verdict_on(OrderState state, bool decided) =>
        Assert.Equal(decided, OrderViewRules.IsDecided(InState(state)));
}
