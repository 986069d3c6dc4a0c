using System.Globalization;
using DaprOrders.Contracts;

namespace DaprOrders.Loaders.Orders;

/// <summary>
/// What `orders post` sends: order n (1-based) is the prefix followed by n, for the customers and products in turn (or the one
/// product asked for), with its payment of the order's price. The same plan always gives the same orders.
/// </summary>
internal sealed record OrderPlan(string IdPrefix, IReadOnlyList<string> Customers, Product? Product, int Quantity, decimal Price, string Currency)
{
    private static readonly Product[] Products = Enum.GetValues<Product>();

    public Order OrderAt(int index) => new(
        IdPrefix + (index + 1).ToString(CultureInfo.InvariantCulture),
        Customers[index % Customers.Count],
        OrderState.Created,
        Product ?? Products[index % Products.Length],
        Quantity,
        Price);

    public Payment PaymentFor(Order order) => new($"p-{order.Id}", order.Id, Currency, order.Price);
}
