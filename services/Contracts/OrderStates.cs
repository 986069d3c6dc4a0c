namespace DaprOrders.Contracts;

/// <summary>
/// The one ranking of <see cref="OrderState"/>: an order's state only moves forward, whatever order its events
/// arrive in and however often they are redelivered. Every view of orders keeps the event this ranking prefers.
/// </summary>
public static class OrderStates
{
    /// <summary>
    /// True when <paramref name="incoming"/> is further along than <paramref name="current"/>: a late or redelivered
    /// CREATED never overwrites VALIDATED or FAILED. Of two different verdicts (which the orders service never
    /// publishes for one order) the first one kept stays, so redelivery cannot flip a view back and forth.
    /// </summary>
    public static bool Supersedes(OrderState incoming, OrderState current) => Rank(incoming) > Rank(current);

    /// <summary>VALIDATED or FAILED (or later): validation is over.</summary>
    public static bool IsDecided(OrderState state) => Rank(state) >= Rank(OrderState.Validated);

    // VALIDATED and FAILED share a rank: an order gets one verdict, and the first one seen stays.
    private static int Rank(OrderState state) => state switch
    {
        OrderState.Created => 0,
        OrderState.Validated or OrderState.Failed => 1,
        OrderState.Shipped => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown order state."),
    };
}
