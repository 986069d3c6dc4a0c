using DaprOrders.Contracts;

namespace DaprOrders.OrderDetails;

/// <summary>Whether an order's fields make sense on their own, with no state and no other service.</summary>
public static class OrderDetailsRules
{
    public static OrderValidationResult Check(Order order) =>
        order.Quantity > 0
        && order.Price >= 0
        && Enum.IsDefined(order.Product)
        // Null despite the annotation: the JSON reader does not enforce it, and an absent field comes in as null.
        && !string.IsNullOrWhiteSpace(order.CustomerId)
            ? OrderValidationResult.Pass
            : OrderValidationResult.Fail;
}
