using DaprOrders.Contracts;
using DaprOrders.Loaders.Cli;
using DaprOrders.Loaders.Customers;
using DaprOrders.Loaders.Orders;

namespace DaprOrders.Loaders.Tests;

public sealed class GeneratorTests
{
    [Fact]
    public void Orders_take_customers_and_products_in_turn()
    {
        var plan = new OrderPlan("o-", ["c-1", "c-2"], Product: null, Quantity: 2, Price: 12.5m, Currency: "CZK");

        var orders = Enumerable.Range(0, 4).Select(plan.OrderAt).ToList();

        Assert.Equal(["o-1", "o-2", "o-3", "o-4"], orders.Select(o => o.Id));
        Assert.Equal(["c-1", "c-2", "c-1", "c-2"], orders.Select(o => o.CustomerId));
        Assert.Equal([Product.Jumpers, Product.Underpants, Product.Stockings, Product.Jumpers], orders.Select(o => o.Product));
        Assert.All(orders, o => Assert.Equal((OrderState.Created, 2, 12.5m), (o.State, o.Quantity, o.Price)));
        Assert.Equal(new Payment("p-o-3", "o-3", "CZK", 12.5m), plan.PaymentFor(orders[2]));
    }

    [Fact]
    public void A_chosen_product_is_used_for_every_order()
    {
        var plan = new OrderPlan("o-", ["c-1"], Product.Stockings, 1, 1m, "EUR");

        Assert.All(Enumerable.Range(0, 5).Select(plan.OrderAt), o => Assert.Equal(Product.Stockings, o.Product));
    }

    [Fact]
    public void Generated_customers_are_the_same_for_the_same_number_and_their_levels_take_turns()
    {
        var customers = Enumerable.Range(1, 8).Select(n => CustomerGenerator.Create("c-", n)).ToList();

        Assert.Equal(customers, Enumerable.Range(1, 8).Select(n => CustomerGenerator.Create("c-", n)));
        Assert.Equal(["platinum", "gold", "silver", "bronze", "platinum", "gold", "silver", "bronze"], customers.Select(c => c.Level));
        Assert.Equal(8, customers.Select(c => c.Email).Distinct().Count());
        Assert.All(customers, c => Assert.Contains('@', c.Email));
        Assert.Equal(CustomerGenerator.DefaultIds, Enumerable.Range(1, CustomerGenerator.DefaultCount).Select(n => CustomerGenerator.Create(CustomerGenerator.DefaultIdPrefix, n).Id));
    }

    [Fact]
    public void Levels_name_enriched_order_topics()
    {
        Assert.Equal(
            ["orders-platinum", "orders-gold", "orders-silver", "orders-bronze"],
            CustomerLevels.All.Select(Topics.EnrichedOrders));
    }

    [Fact]
    public void Failures_are_listed_most_frequent_first()
    {
        var tally = new FailureTally();
        tally.Add("order", "409 Conflict");
        tally.Add("payment", "500 Internal Server Error");
        tally.Add("payment", "500 Internal Server Error");

        Assert.Equal(3, tally.Total);
        Assert.Equal(["  2× payment: 500 Internal Server Error", "  1× order: 409 Conflict"], tally.Lines());
    }

    [Fact]
    public void Rare_kinds_of_failure_beyond_the_listed_ones_are_summed_up()
    {
        var tally = new FailureTally();
        tally.Add("order", "a");
        tally.Add("order", "a");
        tally.Add("order", "b");
        tally.Add("order", "c");

        Assert.Equal(["  2× order: a", "  ... and 2 other kinds of failure (2 in all)"], tally.Lines(max: 1));
    }
}
