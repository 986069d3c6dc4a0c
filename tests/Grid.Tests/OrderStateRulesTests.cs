using DaprOrders.Contracts;
using DaprOrders.Grid.View;

namespace DaprOrders.Grid.Tests;

public sealed class OrderStateRulesTests
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
        Assert.Equal(supersedes, OrderStateRules.Supersedes(incoming, current));
}
