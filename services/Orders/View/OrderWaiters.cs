using DaprOrders.Contracts;

namespace DaprOrders.Orders.View;

/// <summary>
/// GETs of this instance waiting for an order to change, keyed by order id. Woken by order events this instance
/// receives (the broadcast subscription delivers every order event to every instance). At most
/// <paramref name="capacity"/> at once: each holds a request and its connection.
/// </summary>
internal sealed class OrderWaiters(int capacity = int.MaxValue)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, List<Waiter>> _waiters = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>A new waiter, or null when <c>capacity</c> waiters are registered already.</summary>
    public Waiter? TryRegister(string orderId, Func<Order, bool> isSatisfiedBy)
    {
        var waiter = new Waiter(this, orderId, isSatisfiedBy);
        lock (_sync)
        {
            if (_total >= capacity)
            {
                return null;
            }

            if (!_waiters.TryGetValue(orderId, out var list))
            {
                _waiters[orderId] = list = [];
            }

            list.Add(waiter);
            _total++;
        }

        return waiter;
    }

    /// <summary>Completes the waiters of <paramref name="order"/>'s id that this state satisfies.</summary>
    public void Notify(Order order)
    {
        List<Waiter> satisfied;
        lock (_sync)
        {
            if (!_waiters.TryGetValue(order.Id, out var list))
            {
                return;
            }

            satisfied = list.FindAll(w => w.IsSatisfiedBy(order));
        }

        foreach (var waiter in satisfied)
        {
            waiter.Complete(order);
        }
    }

    /// <summary>Number of registered waiters, for tests that must know a GET is parked before waking it.</summary>
    public int Count(string orderId)
    {
        lock (_sync)
        {
            return _waiters.TryGetValue(orderId, out var list) ? list.Count : 0;
        }
    }

    private void Remove(Waiter waiter)
    {
        lock (_sync)
        {
            if (!_waiters.TryGetValue(waiter.OrderId, out var list) || !list.Remove(waiter))
            {
                return;
            }

            _total--;
            if (list.Count == 0)
            {
                _waiters.Remove(waiter.OrderId);
            }
        }
    }

    internal sealed class Waiter(OrderWaiters owner, string orderId, Func<Order, bool> isSatisfiedBy) : IDisposable
    {
        // Continuations run off the notifying thread, so a subscription handler never runs a GET's response.
        private readonly TaskCompletionSource<Order> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string OrderId { get; } = orderId;

        public Task<Order> Task => _completion.Task;

        public bool IsSatisfiedBy(Order order) => isSatisfiedBy(order);

        public void Complete(Order order) => _completion.TrySetResult(order);

        public void Dispose() => owner.Remove(this);
    }
}
