using DaprOrders.Contracts;

namespace DaprOrders.Orders.Validation;

/// <summary>
/// Everything an order's validation actor knows, saved as one actor state value so every transition is one
/// atomic write.
/// </summary>
/// <param name="Order">The order as accepted (state CREATED).</param>
/// <param name="CreatedPublished">CREATED has reached the orders topic.</param>
/// <param name="Results">The first result of each check; later duplicates are not kept.</param>
/// <param name="Verdict">VALIDATED or FAILED once decided; never changes afterwards.</param>
/// <param name="VerdictPublished">The verdict has reached the orders topic.</param>
public sealed record ValidationProgress(
    Order Order,
    bool CreatedPublished,
    IReadOnlyList<OrderValidation> Results,
    OrderState? Verdict,
    bool VerdictPublished)
{
    public static ValidationProgress Start(Order order) => new(order with { State = OrderState.Created }, false, [], null, false);

    /// <summary>Published everything it has to publish: the deadline reminder is no longer needed.</summary>
    public bool IsComplete => CreatedPublished && Verdict is not null && VerdictPublished;
}
