namespace DaprOrders.Contracts.Tests;

public class TopicNamesTests
{
    [Theory]
    [InlineData("Platinum", "orders-platinum")]
    [InlineData("gold", "orders-gold")]
    public void Enriched_orders_topic_is_named_after_the_lowercased_level(string level, string topic) =>
        Assert.Equal(topic, Topics.EnrichedOrders(level));
}
