namespace DaprOrders.Contracts.Tests;

public sealed class OrderIdsTests
{
    [Theory]
    [InlineData("o-1")]
    [InlineData("A")]
    [InlineData("0.order_1-x")]
    [InlineData("a..b")]
    public void Letters_digits_dashes_underscores_and_dots_make_an_id(string id) =>
        Assert.True(OrderIds.IsValid(id));

    [Fact]
    public void An_id_is_at_most_max_length_long()
    {
        Assert.True(OrderIds.IsValid(new string('a', OrderIds.MaxLength)));
        Assert.False(OrderIds.IsValid(new string('a', OrderIds.MaxLength + 1)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("-o")]
    [InlineData("_o")]
    [InlineData("o 1")]
    [InlineData("o/1")]
    [InlineData("o%2F1")]
    [InlineData("ó")]
    public void Anything_that_would_break_a_url_path_or_an_actor_id_is_not_an_id(string? id) =>
        Assert.False(OrderIds.IsValid(id));
}
