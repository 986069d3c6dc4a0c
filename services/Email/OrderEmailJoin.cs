using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.Publishing;
using DaprOrders.ServiceDefaults.State;
using Microsoft.Extensions.Options;

namespace DaprOrders.Email;

/// <summary>
/// Joins VALIDATED orders with their payments (state key <c>join-{orderId}</c>) and their customers (the customers
/// table, <c>customer-{id}</c>), then publishes the enriched order to its level's topic and sends ONE confirmation.
/// Every write is guarded by an ETag, so concurrent deliveries (an order and its payment on two partitions, two
/// instances, a redelivery) cannot both win: the email is sent by the delivery whose claim was saved, never twice.
/// </summary>
internal sealed class OrderEmailJoin(
    IStateStore store,
    IEventPublisher publisher,
    IEmailSender email,
    TimeProvider time,
    ExpiryWatch watch,
    IOptions<EmailOptions> options,
    ILogger<OrderEmailJoin> logger)
{
    // Each lost race means someone else wrote first; a handful of rounds is plenty.
    private const int MaxAttempts = 10;

    // A level outside the known tiers is a data problem in the customer record: the order is still valid and paid,
    // so it goes to the lowest tier's topic, with a warning, rather than being lost or retried forever.
    private const string FallbackLevel = CustomerLevels.Bronze;

    private readonly EmailOptions _options = options.Value;

    // The store keeps a waiting join a little past its deadline, so the sweep finds it and warns.
    private TimeSpan Grace => _options.SweepInterval * 2;

    public static string JoinKey(string orderId) => $"join-{orderId}";

    public static string CustomerKey(string customerId) => $"customer-{customerId}";

    public static string AwaitingKey(string customerId) => $"awaiting-customer-{customerId}";

    public async Task OnValidatedOrderAsync(Order order, CancellationToken cancellationToken)
    {
        await UpdateJoinAsync(order.Id, join => JoinRules.WithOrder(join, order), cancellationToken);
        await TryCompleteAsync(order.Id, cancellationToken);
    }

    public async Task OnPaymentAsync(Payment payment, CancellationToken cancellationToken)
    {
        await UpdateJoinAsync(payment.OrderId, join => JoinRules.WithPayment(join, payment), cancellationToken);
        await TryCompleteAsync(payment.OrderId, cancellationToken);
    }

    /// <summary>The latest record per customer id wins; the orders that waited for this customer complete.</summary>
    public async Task OnCustomerAsync(Customer customer, CancellationToken cancellationToken)
    {
        // Saved BEFORE the waiting list is read, while an order saves itself on the list BEFORE it re-reads the
        // customer: whichever comes second sees the other, so no order is left waiting for a known customer.
        await SaveCustomerAsync(customer, cancellationToken);

        var awaiting = (await store.GetAsync<AwaitingCustomer>(AwaitingKey(customer.Id), cancellationToken)).Value;
        if (awaiting is null)
        {
            return;
        }

        foreach (var orderId in awaiting.OrderIds)
        {
            await TryCompleteAsync(orderId, cancellationToken);
        }

        // Only after all of them: if one fails, the redelivered customer finds the list and tries again.
        await ForgetAwaitingAsync(customer.Id, awaiting.OrderIds, cancellationToken);
    }

    /// <summary>Warns about and removes the joins this instance saw waiting that are past their deadline.</summary>
    public async Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expired = 0;
        foreach (var orderId in watch.DueAt(now))
        {
            var entry = await store.GetAsync<OrderJoin>(JoinKey(orderId), cancellationToken);
            if (entry.Value is { } join && JoinRules.HasExpired(join, now))
            {
                if (await ExpireAsync(join, entry.ETag!, cancellationToken))
                {
                    expired++;
                }
            }
            else
            {
                // Sent, being sent, or gone (another instance expired it): nothing to say.
                watch.Forget(orderId);
            }
        }

        return expired;
    }

    private async Task UpdateJoinAsync(string orderId, Func<OrderJoin, OrderJoin> change, CancellationToken cancellationToken)
    {
        var key = JoinKey(orderId);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var entry = await store.GetAsync<OrderJoin>(key, cancellationToken);
            var now = time.GetUtcNow();
            if (entry.Value is { } stale && JoinRules.HasExpired(stale, now))
            {
                // Noticed by the next event too, not only by the sweep: an expired join never completes, and what
                // arrives now starts a new one.
                await ExpireAsync(stale, entry.ETag!, cancellationToken);
                continue;
            }

            var join = entry.Value ?? JoinRules.Start(orderId, now, _options.WaitingTimeout);
            var updated = change(join);
            if (updated == entry.Value)
            {
                logger.LogDebug("Order {OrderId}: join unchanged ({Stage})", orderId, updated.Stage);
                return;
            }

            if (await store.TrySaveAsync(key, updated, entry.ETag, JoinRules.TimeToLive(updated, now, Grace, _options.SentRetention), cancellationToken))
            {
                watch.Watch(orderId, updated.Deadline);
                return;
            }

            logger.LogDebug("Order {OrderId}: join changed concurrently (attempt {Attempt}); re-reading", orderId, attempt);
        }

        // Surfaces as a 500: Dapr redelivers the event later.
        throw new InvalidOperationException($"Order {orderId}: the join kept changing during {MaxAttempts} attempts.");
    }

    private async Task TryCompleteAsync(string orderId, CancellationToken cancellationToken)
    {
        var key = JoinKey(orderId);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var entry = await store.GetAsync<OrderJoin>(key, cancellationToken);
            var now = time.GetUtcNow();
            if (entry.Value is not { Stage: JoinStage.Waiting, Order: { } order, Payment: { } payment } join)
            {
                LogNotReady(orderId, entry.Value);
                return;
            }

            if (JoinRules.HasExpired(join, now))
            {
                // Left to the sweep or the next event, which warn about it.
                return;
            }

            var customer = await FindCustomerAsync(order.CustomerId, orderId, cancellationToken);
            if (customer is null)
            {
                return;
            }

            // Published before the claim: a failure or crash after this point can repeat it (keyed by order id, so
            // receivers recognise it), but never lose it.
            await publisher.PublishAsync(TopicFor(customer, orderId), orderId, new EnrichedOrder(order, payment, customer), cancellationToken);

            var claim = JoinRules.Claim(join, Guid.NewGuid().ToString("N"), now);
            if (!await store.TrySaveAsync(key, claim, entry.ETag, _options.SentRetention, cancellationToken))
            {
                // Someone else wrote first (most likely claimed it): look again.
                continue;
            }

            await SendClaimedAsync(claim, ConfirmationEmail.For(order, payment, customer));
            return;
        }

        throw new InvalidOperationException($"Order {orderId}: the join kept changing during {MaxAttempts} attempts to complete it.");
    }

    /// <summary>
    /// Sends the email this delivery claimed, then records it as sent. A send that throws releases the claim, so the
    /// redelivery sends. A crash between the send and the record leaves the claim: the redelivery then does NOT
    /// send (an email may be lost; it is never sent twice). Once claimed, the send and its record are not cancelled
    /// with the delivery: a send abandoned half-way might have gone out, and releasing it would let a redelivery
    /// send a second one.
    /// </summary>
    private async Task SendClaimedAsync(OrderJoin claim, EmailMessage message)
    {
        using (var span = EmailTelemetry.StartSend(claim.OrderId))
        {
            try
            {
                await email.SendAsync(message, CancellationToken.None);
                EmailTelemetry.CountSent();
            }
            catch (Exception e)
            {
                EmailTelemetry.CountFailed(span, e);
                await ReleaseAsync(claim, CancellationToken.None);
                throw;
            }
        }

        // The customer id, not the address: logs are no place for personal data.
        logger.LogInformation("Order {OrderId}: confirmation sent to customer {CustomerId}", claim.OrderId, claim.Order?.CustomerId);
        await ChangeClaimedAsync(claim, JoinRules.Sent(claim), _options.SentRetention, CancellationToken.None);
        watch.Forget(claim.OrderId);
    }

    private async Task ReleaseAsync(OrderJoin claim, CancellationToken cancellationToken)
    {
        var released = JoinRules.Release(claim);
        var ttl = JoinRules.TimeToLive(released, time.GetUtcNow(), Grace, _options.SentRetention);
        if (await ChangeClaimedAsync(claim, released, ttl, cancellationToken))
        {
            logger.LogWarning("Order {OrderId}: sending the confirmation failed; released for the redelivery", claim.OrderId);
        }
    }

    // Only the holder of the claim changes a claimed join, so the ETag read here is the claim's.
    private async Task<bool> ChangeClaimedAsync(OrderJoin claim, OrderJoin next, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        var key = JoinKey(claim.OrderId);
        var entry = await store.GetAsync<OrderJoin>(key, cancellationToken);
        if (entry.Value?.ClaimedBy != claim.ClaimedBy || entry.Value?.Stage != JoinStage.Sending)
        {
            logger.LogWarning("Order {OrderId}: the confirmation's claim is gone ({Stage})", claim.OrderId, entry.Value?.Stage);
            return false;
        }

        return await store.TrySaveAsync(key, next, entry.ETag, timeToLive, cancellationToken);
    }

    private async Task<Customer?> FindCustomerAsync(string customerId, string orderId, CancellationToken cancellationToken)
    {
        var key = CustomerKey(customerId);
        var customer = (await store.GetAsync<Customer>(key, cancellationToken)).Value;
        if (customer is not null)
        {
            return customer;
        }

        await AwaitCustomerAsync(customerId, orderId, cancellationToken);
        // Re-read after getting on the list: a customer saved meanwhile did not see this order on it.
        customer = (await store.GetAsync<Customer>(key, cancellationToken)).Value;
        if (customer is null)
        {
            logger.LogInformation("Order {OrderId} waits for customer {CustomerId}", orderId, customerId);
        }

        return customer;
    }

    private async Task AwaitCustomerAsync(string customerId, string orderId, CancellationToken cancellationToken)
    {
        var key = AwaitingKey(customerId);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var entry = await store.GetAsync<AwaitingCustomer>(key, cancellationToken);
            var (awaiting, dropped) = JoinRules.Await(entry.Value, orderId, _options.MaxOrdersAwaitingCustomer);
            if (ReferenceEquals(awaiting, entry.Value))
            {
                return;
            }

            if (await store.TrySaveAsync(key, awaiting, entry.ETag, _options.WaitingTimeout + Grace, cancellationToken))
            {
                if (dropped is not null)
                {
                    logger.LogWarning("Customer {CustomerId} has {Count} orders waiting for it; order {OrderId} stops waiting and will expire",
                        customerId, _options.MaxOrdersAwaitingCustomer, dropped);
                }

                return;
            }
        }

        throw new InvalidOperationException($"Customer {customerId}: the waiting orders kept changing during {MaxAttempts} attempts.");
    }

    private async Task ForgetAwaitingAsync(string customerId, IReadOnlyCollection<string> handled, CancellationToken cancellationToken)
    {
        var key = AwaitingKey(customerId);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var entry = await store.GetAsync<AwaitingCustomer>(key, cancellationToken);
            if (entry.Value is null)
            {
                return;
            }

            var remaining = JoinRules.Without(entry.Value, handled);
            var saved = remaining.OrderIds.Count == 0
                ? await store.TryDeleteAsync(key, entry.ETag!, cancellationToken)
                : await store.TrySaveAsync(key, remaining, entry.ETag, _options.WaitingTimeout + Grace, cancellationToken);
            if (saved)
            {
                return;
            }
        }

        throw new InvalidOperationException($"Customer {customerId}: the waiting orders kept changing during {MaxAttempts} attempts.");
    }

    private async Task SaveCustomerAsync(Customer customer, CancellationToken cancellationToken)
    {
        var key = CustomerKey(customer.Id);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var entry = await store.GetAsync<Customer>(key, cancellationToken);
            // Deliveries of one customer id come in order (one key, one partition): the one being handled is the latest.
            if (entry.Value == customer || await store.TrySaveAsync(key, customer, entry.ETag, cancellationToken))
            {
                return;
            }
        }

        throw new InvalidOperationException($"Customer {customer.Id}: the record kept changing during {MaxAttempts} attempts.");
    }

    /// <summary>Deletes an expired join (only the delivery or sweep whose delete wins warns) and says why it expired.</summary>
    private async Task<bool> ExpireAsync(OrderJoin join, string etag, CancellationToken cancellationToken)
    {
        if (!await store.TryDeleteAsync(JoinKey(join.OrderId), etag, cancellationToken))
        {
            return false;
        }

        watch.Forget(join.OrderId);
        var customerKnown = join.Order is null || (await store.GetAsync<Customer>(CustomerKey(join.Order.CustomerId), cancellationToken)).Exists;
        logger.LogWarning("Order {OrderId} expired after waiting {WaitingTimeout} for {Missing}; no confirmation is sent",
            join.OrderId, _options.WaitingTimeout, JoinRules.Missing(join, customerKnown));
        return true;
    }

    private string TopicFor(Customer customer, string orderId)
    {
        var level = CustomerLevels.Recognise(customer.Level);
        if (level is null)
        {
            logger.LogWarning("Customer {CustomerId} has unknown level {Level}; order {OrderId} goes to the {Fallback} topic",
                customer.Id, customer.Level, orderId, FallbackLevel);
        }

        return Topics.EnrichedOrders(level ?? FallbackLevel);
    }

    private void LogNotReady(string orderId, OrderJoin? join)
    {
        switch (join?.Stage)
        {
            case JoinStage.Sending:
                // Either another delivery is sending right now, or one crashed after claiming: never send twice.
                logger.LogInformation("Order {OrderId}: confirmation claimed at {ClaimedAt}; not sending again", orderId, join.ClaimedAt);
                break;
            case JoinStage.Sent:
                logger.LogDebug("Order {OrderId}: confirmation already sent", orderId);
                break;
            default:
                logger.LogDebug("Order {OrderId}: waiting for {Missing}", orderId, join is null ? "its parts" : JoinRules.Missing(join, customerKnown: true));
                break;
        }
    }
}
