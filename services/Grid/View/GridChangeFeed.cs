using System.Collections.Immutable;
using System.Threading.Channels;

namespace DaprOrders.Grid.View;

/// <summary>What changed in the view, after it was committed.</summary>
internal abstract record GridChange;

/// <summary>One row is new or different.</summary>
internal sealed record RowChanged(long Total, GridRow Row) : GridChange;

/// <summary>A customer's name or level changed: every row of that customer shows it.</summary>
internal sealed record CustomerChanged(string CustomerId, string CustomerName, string CustomerLevel) : GridChange;

/// <summary>Too much changed to tell row by row: read the grid again.</summary>
internal sealed record GridReset(long Total) : GridChange;

/// <summary>
/// Fans committed changes out to the open streams. Publishing never waits for a slow reader: a reader whose buffer
/// is full misses changes and is told to reset instead, so deliveries are never held up by a browser.
/// </summary>
internal sealed class GridChangeFeed
{
    private ImmutableArray<Subscription> _subscriptions = [];

    public Subscription Subscribe(int capacity = 1024)
    {
        var subscription = new Subscription(this, capacity);
        ImmutableInterlocked.Update(ref _subscriptions, list => list.Add(subscription));
        return subscription;
    }

    public void Publish(GridChange change)
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Offer(change);
        }
    }

    private void Remove(Subscription subscription) =>
        ImmutableInterlocked.Update(ref _subscriptions, list => list.Remove(subscription));

    internal sealed class Subscription(GridChangeFeed feed, int capacity) : IDisposable
    {
        private readonly Channel<GridChange> _changes = Channel.CreateBounded<GridChange>(
            new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        private int _missed;

        public ChannelReader<GridChange> Changes => _changes.Reader;

        /// <summary>True once after this subscription missed changes because its buffer was full.</summary>
        public bool TakeMissed() => Interlocked.Exchange(ref _missed, 0) == 1;

        internal void Offer(GridChange change)
        {
            if (!_changes.Writer.TryWrite(change))
            {
                Volatile.Write(ref _missed, 1);
            }
        }

        public void Dispose()
        {
            feed.Remove(this);
            _changes.Writer.TryComplete();
        }
    }
}
