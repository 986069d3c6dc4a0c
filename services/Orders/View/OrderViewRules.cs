using DaprOrders.Contracts;

namespace DaprOrders.Orders.View;

/// <summary>The orders view only moves forward, whatever order events arrive in.</summary>
internal static class OrderViewRules
{
    /// <summary>True when <paramref name="incoming"/> is newer in the order's life than <paramref name="current"/>.</summary>
    public static bool ShouldReplace(Order? current, Order incoming) =>
        current is null || Rank(incoming.State) > Rank(current.State);

    /// <summary>VALIDATED or FAILED (or later): validation is over.</summary>
    public static bool IsDecided(Order order) => Rank(order.State) >= Rank(OrderState.Validated);

    // VALIDATED and FAILED share a rank: an order gets one verdict, and the first one seen stays.
    private static int Rank(OrderState state) => state switch
    {
        OrderState.Created => 0,
        OrderState.Validated or OrderState.Failed => 1,
        OrderState.Shipped => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown order state."),
    };
}
