using DaprOrders.Contracts;

namespace DaprOrders.Orders.View;

/// <summary>Reads an order from the view, waiting for an order event when it is not there (or not far enough) yet.</summary>
internal sealed class OrderWaitService(OrderViewProjection view, OrderWaiters waiters)
{
    /// <summary>
    /// The order once <paramref name="isSatisfiedBy"/> holds; at the timeout, whatever the view holds (null if
    /// nothing). Throws if <paramref name="cancellationToken"/> (the request) is cancelled.
    /// </summary>
    public async Task<Order?> WaitAsync(string orderId, Func<Order, bool> isSatisfiedBy, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var order = await view.GetAsync(orderId, cancellationToken);
        if (order is not null && isSatisfiedBy(order))
        {
            return order;
        }

        using var waiter = waiters.Register(orderId, isSatisfiedBy);
        // Read again now that we are registered: an event that arrived between the first read and the
        // registration has reached the view, so it is not missed.
        order = await view.GetAsync(orderId, cancellationToken);
        if (order is not null && isSatisfiedBy(order))
        {
            return order;
        }

        Order notified;
        try
        {
            notified = await waiter.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return await view.GetAsync(orderId, cancellationToken);
        }

        // The broadcast event that woke us may be ahead of the view (another consumer writes it): bring the view up
        // to it before answering, so a later GET on any instance never sees an older state than this answer.
        return await view.ApplyAsync(notified, cancellationToken);
    }
}
