using DaprOrders.Contracts;

namespace DaprOrders.Orders.Validation;

/// <summary>
/// The record of an accepted order in the state store (key <see cref="KeyFor"/>), written once by the POST that
/// accepts it (first write wins) and once more by the workflow when the verdict is published. It outlives the
/// workflow's own state: it is what answers a re-POST, and what keeps a finished or purged workflow from being
/// started again for the same order.
/// </summary>
/// <param name="Order">The order as accepted (state CREATED).</param>
/// <param name="Verdict">VALIDATED or FAILED once published; null while the order is being validated.</param>
public sealed record AcceptedOrder(Order Order, OrderState? Verdict)
{
    public static string KeyFor(string orderId) => $"accepted-order-{orderId}";
}
