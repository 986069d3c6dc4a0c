using DaprOrders.Contracts;

namespace DaprOrders.Orders.View;

/// <summary>Reads an order from the view, waiting for an order event when it is not there (or not far enough) yet.</summary>
internal sealed class OrderWaitService(OrderViewProjection view, OrderWaiters waiters, TimeProvider time)
{
    // A wait rereads the view after these intervals too (doubling from the first to the longest): an instance's
    // broadcast subscription starts at the newest offset once its sidecar subscribes, so a freshly (re)started
    // instance can take GETs before it hears order events, and an event published in that gap would otherwise
    // leave its waits parked until their timeout.
    internal static readonly TimeSpan FirstReread = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan LongestReread = TimeSpan.FromSeconds(16);

    /// <summary>
    /// The order once <paramref name="isSatisfiedBy"/> holds; at the timeout, whatever the view holds (null if
    /// nothing); <see cref="OrderWait.Full"/> if it would have to wait and this instance holds as many waits as it
    /// may. Throws if <paramref name="cancellationToken"/> (the request) is cancelled.
    /// </summary>
    public async Task<OrderWait> WaitAsync(string orderId, Func<Order, bool> isSatisfiedBy, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Registered before the view is read, so an event that arrives while the read is under way completes the
        // waiter instead of being missed: one read of the view per GET, whether it then waits or not.
        using var waiter = waiters.TryRegister(orderId, isSatisfiedBy);
        var order = await view.GetAsync(orderId, cancellationToken);
        if (order is not null && isSatisfiedBy(order))
        {
            return new OrderWait(order);
        }

        if (waiter is null)
        {
            return OrderWait.Full;
        }

        var deadline = time.GetUtcNow() + timeout;
        for (var reread = FirstReread; ; reread = Min(reread * 2, LongestReread))
        {
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return new OrderWait(await view.GetAsync(orderId, cancellationToken));
            }

            try
            {
                var notified = await waiter.Task.WaitAsync(Min(left, reread), time, cancellationToken);
                // The broadcast event that woke us may be ahead of the view (another consumer writes it): bring the
                // view up to it before answering, so a later GET on any instance never sees an older state.
                return new OrderWait(await view.ApplyAsync(notified, cancellationToken));
            }
            catch (TimeoutException)
            {
                order = await view.GetAsync(orderId, cancellationToken);
                if (order is not null && isSatisfiedBy(order))
                {
                    return new OrderWait(order);
                }
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

/// <summary>How a wait ended: with what the view holds (<see cref="Order"/>, null if nothing), or refused as full.</summary>
internal readonly record struct OrderWait(Order? Order, bool IsFull = false)
{
    public static OrderWait Full => new(null, IsFull: true);
}
