namespace DaprOrders.Contracts.Tests;

public sealed class WireNamesTests
{
    [Theory]
    [InlineData(Product.Jumpers, "JUMPERS")]
    [InlineData(Product.Stockings, "STOCKINGS")]
    public void A_value_is_named_as_on_the_wire(Product product, string name) =>
        Assert.Equal(name, WireNames.Of(product));

    [Fact]
    public void Every_name_is_listed_in_declaration_order() =>
        Assert.Equal(["CREATED", "VALIDATED", "FAILED", "SHIPPED"], WireNames.All<OrderState>());

    [Fact]
    public void A_value_outside_the_enum_has_no_wire_name() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WireNames.Of((Product)7));

    [Theory]
    [InlineData("JUMPERS", Product.Jumpers)]
    [InlineData("underpants", Product.Underpants)]
    [InlineData("Stockings", Product.Stockings)]
    public void Products_are_read_by_their_wire_names_in_any_case(string text, Product expected)
    {
        Assert.True(WireNames.TryParse<Product>(text, out var product));
        Assert.Equal(expected, product);
        Assert.Equal(expected, WireNames.Parse<Product>(text));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("Jumper")]
    [InlineData("")]
    [InlineData(null)]
    public void Numbers_and_unknown_names_are_not_products(string? text) =>
        Assert.False(WireNames.TryParse<Product>(text, out _));

    [Fact]
    public void Parsing_an_unknown_name_throws() =>
        Assert.Throws<FormatException>(() => WireNames.Parse<OrderValidationResult>("MAYBE"));
}
