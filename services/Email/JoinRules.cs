using DaprOrders.Contracts;

namespace DaprOrders.Email;

/// <summary>
/// The join of a VALIDATED order with its payment (either may come first), as pure functions over
/// <see cref="OrderJoin"/>. Only a waiting join changes: once the email is claimed, late or redelivered parts are
/// ignored.
/// </summary>
internal static class JoinRules
{
    /// <summary>A new join; it waits until <paramref name="now"/> + <paramref name="waitingTimeout"/> at most.</summary>
    public static OrderJoin Start(string orderId, DateTimeOffset now, TimeSpan waitingTimeout) =>
        new(orderId, null, null, now + waitingTimeout, JoinStage.Waiting);

    /// <summary>A VALIDATED order joins (the latest wins); other states do not confirm anything.</summary>
    public static OrderJoin WithOrder(OrderJoin join, Order order) =>
        join.Stage == JoinStage.Waiting && order.State == OrderState.Validated ? join with { Order = order } : join;

    /// <summary>The order's payment joins (the latest wins).</summary>
    public static OrderJoin WithPayment(OrderJoin join, Payment payment) =>
        join.Stage == JoinStage.Waiting ? join with { Payment = payment } : join;

    /// <summary>Both parts are here and nobody has claimed the email yet.</summary>
    public static bool IsReady(OrderJoin join) => join is { Stage: JoinStage.Waiting, Order: not null, Payment: not null };

    /// <summary>A join still waiting at its deadline has expired; a claimed or sent one never does.</summary>
    public static bool HasExpired(OrderJoin join, DateTimeOffset now) => join.Stage == JoinStage.Waiting && now >= join.Deadline;

    /// <summary>One delivery takes the email; saved with the ETag it read, so exactly one of racing deliveries wins.</summary>
    public static OrderJoin Claim(OrderJoin join, string claimId, DateTimeOffset now) =>
        join with { Stage = JoinStage.Sending, ClaimedBy = claimId, ClaimedAt = now };

    /// <summary>The send failed (the binding said so): the join is ready again for the redelivery.</summary>
    public static OrderJoin Release(OrderJoin join) => join with { Stage = JoinStage.Waiting, ClaimedBy = null, ClaimedAt = null };

    public static OrderJoin Sent(OrderJoin join) => join with { Stage = JoinStage.Sent };

    /// <summary>
    /// How long the store keeps the join after this write: a waiting join until its deadline plus
    /// <paramref name="grace"/> (so the sweep sees it expire before the store forgets it); a claimed or sent one for
    /// <paramref name="sentRetention"/>, the window in which a redelivery is recognised.
    /// </summary>
    public static TimeSpan TimeToLive(OrderJoin join, DateTimeOffset now, TimeSpan grace, TimeSpan sentRetention)
    {
        if (join.Stage != JoinStage.Waiting)
        {
            return sentRetention;
        }

        var remaining = join.Deadline - now;
        return (remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero) + grace;
    }

    /// <summary>What an expiring join was still waiting for, for the warning.</summary>
    public static string Missing(OrderJoin join, bool customerKnown)
    {
        List<string> missing = [];
        if (join.Order is null)
        {
            missing.Add("its VALIDATED order");
        }

        if (join.Payment is null)
        {
            missing.Add("its payment");
        }

        if (join.Order is not null && !customerKnown)
        {
            missing.Add($"customer {join.Order.CustomerId}");
        }

        return missing.Count == 0 ? "its confirmation to be claimed" : string.Join(" and ", missing);
    }

    /// <summary>
    /// Adds an order to a customer's waiting list, oldest first, at most <paramref name="max"/> long; returns the list
    /// and the order that had to stop waiting to make room (null if none). Adding an order twice changes nothing.
    /// </summary>
    public static (AwaitingCustomer Awaiting, string? Dropped) Await(AwaitingCustomer? current, string orderId, int max)
    {
        var ids = current?.OrderIds ?? [];
        if (ids.Contains(orderId, StringComparer.Ordinal))
        {
            return (current!, null);
        }

        var dropped = ids.Count >= max ? ids[0] : null;
        var kept = dropped is null ? ids : ids.Skip(ids.Count - max + 1);
        return (new AwaitingCustomer([.. kept, orderId]), dropped);
    }

    /// <summary>The waiting list without the orders already handled.</summary>
    public static AwaitingCustomer Without(AwaitingCustomer current, IReadOnlyCollection<string> handled) =>
        new([.. current.OrderIds.Where(id => !handled.Contains(id, StringComparer.Ordinal))]);
}
