using DaprOrders.Contracts;

namespace DaprOrders.Grid.View;

/// <summary>
/// One order as the grid shows it, with its payment and customer when they have arrived (null until then).
/// <c>Position</c> is the row number in the grid: 0-based, in order of the orders' first arrival.
/// </summary>
public sealed record GridRow(
    long Position,
    string OrderId,
    string CustomerId,
    string? CustomerName,
    string? CustomerLevel,
    Product Product,
    int Quantity,
    decimal Price,
    OrderState State,
    decimal? PaymentAmount,
    string? PaymentCcy);

/// <summary>A page of the grid and how many rows the grid has in all.</summary>
public sealed record OrdersPage(long Total, long Offset, IReadOnlyList<GridRow> Rows);
