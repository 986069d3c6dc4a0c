using DaprOrders.Contracts;

namespace DaprOrders.Grid.View;

/// <summary>Which order event the grid keeps when several arrive for one order, in any order, any number of times.</summary>
internal static class OrderStateRules
{
    /// <summary>
    /// True when <paramref name="incoming"/> is further along than <paramref name="current"/>: a late or redelivered
    /// CREATED never overwrites VALIDATED or FAILED. Of two different outcomes (which the orders service never
    /// publishes for one order) the first one kept stays, so redelivery cannot flip a row back and forth.
    /// </summary>
    public static bool Supersedes(OrderState incoming, OrderState current) => Rank(incoming) > Rank(current);

    private static int Rank(OrderState state) => state switch
    {
        OrderState.Created => 0,
        OrderState.Validated or OrderState.Failed => 1,
        OrderState.Shipped => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown order state"),
    };
}
