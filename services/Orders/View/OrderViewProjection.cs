using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.State;

namespace DaprOrders.Orders.View;

/// <summary>
/// The orders view: the latest state of every order, in the state store under <c>order-{id}</c>. Fed by the
/// orders topic; writes are guarded by ETags so concurrent or replayed events never move an order backwards.
/// </summary>
internal sealed class OrderViewProjection(IStateStore store, ILogger<OrderViewProjection> logger)
{
    // Each lost race means someone else wrote a newer state; a handful of rounds is plenty.
    private const int MaxAttempts = 10;

    public static string KeyFor(string orderId) => $"order-{orderId}";

    public async Task<Order?> GetAsync(string orderId, CancellationToken cancellationToken) =>
        (await store.GetAsync<Order>(KeyFor(orderId), cancellationToken)).Value;

    /// <summary>Applies one order event and returns what the view holds afterwards.</summary>
    public async Task<Order> ApplyAsync(Order order, CancellationToken cancellationToken)
    {
        var key = KeyFor(order.Id);
        // CREATED is an order's first event, so the view has most likely not seen the order: the first round skips
        // the read and writes insert-only (one state call instead of two). Should the order be there, the insert
        // fails and the next round reads and decides.
        StateEntry<Order>? current = order.State == OrderState.Created ? new(default, null) : null;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            current ??= await store.GetAsync<Order>(key, cancellationToken);
            if (current.Value is { } kept && !OrderStates.Supersedes(order.State, kept.State))
            {
                logger.LogDebug("Order {OrderId} view keeps {CurrentState}, ignoring {State}", order.Id, kept.State, order.State);
                return kept;
            }

            if (await store.TrySaveAsync(key, order, current.ETag, cancellationToken))
            {
                logger.LogInformation("Order {OrderId} view is now {State}", order.Id, order.State);
                return order;
            }

            logger.LogDebug("Order {OrderId} view changed concurrently (attempt {Attempt}); re-reading", order.Id, attempt);
            current = null;
        }

        // Surfaces as a 500: Dapr redelivers the event later.
        throw new InvalidOperationException($"Order {order.Id}: the view kept changing during {MaxAttempts} attempts to apply {order.State}.");
    }
}
