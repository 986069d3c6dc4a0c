using DaprOrders.Contracts;

namespace DaprOrders.OrderDetails.Tests;

public sealed class OrderDetailsRulesTests
{
    private static readonly Order Valid = new("o-1", "c-1", OrderState.Created, Product.Jumpers, 1, 0m);

    [Fact]
    public void A_sensible_order_passes() =>
        Assert.Equal(OrderValidationResult.Pass, OrderDetailsRules.Check(Valid with { Quantity = 3, Price = 45.5m }));

    [Fact]
    public void Quantity_one_and_price_zero_are_the_smallest_that_pass() =>
        Assert.Equal(OrderValidationResult.Pass, OrderDetailsRules.Check(Valid));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_quantity_that_is_not_positive_fails(int quantity) =>
        Assert.Equal(OrderValidationResult.Fail, OrderDetailsRules.Check(Valid with { Quantity = quantity }));

    [Theory]
    [InlineData("-0.01")]
    [InlineData("-100")]
    public void A_negative_price_fails(string price) =>
        Assert.Equal(OrderValidationResult.Fail, OrderDetailsRules.Check(Valid with { Price = decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture) }));

    [Fact]
    public void A_product_that_is_not_defined_fails() =>
        Assert.Equal(OrderValidationResult.Fail, OrderDetailsRules.Check(Valid with { Product = (Product)42 }));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void A_missing_customer_id_fails(string? customerId) =>
        Assert.Equal(OrderValidationResult.Fail, OrderDetailsRules.Check(Valid with { CustomerId = customerId! }));
}
