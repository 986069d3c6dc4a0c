using DaprOrders.Grid.View;

namespace DaprOrders.Grid.Tests;

public sealed class GridChangeFeedTests
{
    [Fact]
    public void Every_subscription_gets_every_change_in_order()
    {
        var feed = new GridChangeFeed();
        using var first = feed.Subscribe();
        using var second = feed.Subscribe();

        feed.Publish(new GridReset(1));
        feed.Publish(new GridReset(2));

        foreach (var subscription in new[] { first, second })
        {
            Assert.True(subscription.Changes.TryRead(out var one));
            Assert.True(subscription.Changes.TryRead(out var two));
            Assert.Equal([new GridReset(1), new GridReset(2)], new[] { one, two });
        }
    }

    [Fact]
    public void A_full_subscription_misses_changes_and_is_told_once()
    {
        var feed = new GridChangeFeed();
        using var slow = feed.Subscribe(capacity: 2);

        for (var i = 0; i < 5; i++)
        {
            feed.Publish(new GridReset(i));
        }

        Assert.Equal(2, slow.Changes.Count);
        Assert.True(slow.TakeMissed());
        Assert.False(slow.TakeMissed());
    }

    [Fact]
    public void A_disposed_subscription_gets_nothing_more()
    {
        var feed = new GridChangeFeed();
        var subscription = feed.Subscribe();
        subscription.Dispose();

        feed.Publish(new GridReset(1));

        Assert.False(subscription.Changes.TryRead(out _));
        Assert.True(subscription.Changes.Completion.IsCompleted);
    }
}
