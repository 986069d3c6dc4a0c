using DaprOrders.Contracts;

namespace DaprOrders.Grid.Tests;

/// <summary>Test data with ids that are unique per test.</summary>
internal static class TestOrders
{
    public static Order Created(string id, string customerId = "c-1", int quantity = 2, decimal price = 20m) =>
        new(id, customerId, OrderState.Created, Product.Jumpers, quantity, price);

    public static IEnumerable<Order> Numbered(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => Created($"{prefix}-{i:D6}", $"c-{i % 100}", 1 + i % 5, 10m + i % 7));

    public static Payment PaymentFor(string orderId, decimal amount = 20m) => new($"p-{orderId}", orderId, "EUR", amount);

    public static Customer Customer(string id, string level = "gold", string lastName = "Lovelace") =>
        new(id, "Ada", lastName, $"{id}@example.com", "1 Analytical Way", level);
}
