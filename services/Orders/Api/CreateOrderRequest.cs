using System.ComponentModel.DataAnnotations;
using DaprOrders.Contracts;

namespace DaprOrders.Orders.Api;

/// <summary>
/// The body of POST /v1/orders. Fields are nullable so a missing field is reported as missing by validation
/// instead of arriving as 0 or a default enum value.
/// </summary>
public sealed record CreateOrderRequest(
    [Required, StringLength(OrderIds.MaxLength), RegularExpression(OrderIds.Pattern)] string? Id,
    [Required, StringLength(OrderIds.MaxLength), RegularExpression(OrderIds.Pattern)] string? CustomerId,
    [AllowedValues(null, OrderState.Created)] OrderState? State,
    [Required] Product? Product,
    [Required, Range(1, int.MaxValue, ErrorMessage = "quantity must be positive.")] int? Quantity,
    [Required, Range(0d, double.MaxValue, ErrorMessage = "price must not be negative.")] decimal? Price)
{
    /// <summary>Only called after validation, so every required field is present.</summary>
    public Order ToOrder() => new(Id!, CustomerId!, OrderState.Created, Product!.Value, Quantity!.Value, Price!.Value);
}
