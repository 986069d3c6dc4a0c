using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprOrders.Contracts;
using DaprOrders.TestDoubles;

namespace DaprOrders.Email.Tests;

public sealed class EmailSubscriptionTests : IAsyncDisposable
{
    private readonly EmailApplication _app = new();
    private readonly HttpClient _client;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private int _orders;

    public EmailSubscriptionTests() => _client = _app.CreateClient();

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private Customer NewCustomer(string level = CustomerLevels.Gold)
    {
        var id = $"c-{Interlocked.Increment(ref _orders)}-{_run}";
        return new Customer(id, "Ada", "Lovelace", $"{id}@example.com", "1 Analytical Row", level);
    }

    private Order NewOrder(Customer customer, OrderState state = OrderState.Validated) =>
        new($"o-{Interlocked.Increment(ref _orders)}-{_run}", customer.Id, state, Product.Jumpers, 2, 40m);

    private static Payment PaymentFor(Order order) => new($"p-{order.Id}", order.Id, "EUR", order.Price);

    private async Task<HttpResponseMessage> Post(string topic, HttpContent cloudEvent) =>
        await _client.PostAsync($"/events/{topic}", cloudEvent, Cancel);

    private async Task<string?> Deliver(string topic, HttpContent cloudEvent)
    {
        var response = await Post(topic, cloudEvent);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("status").GetString();
    }

    private Task<string?> DeliverOrder(Order order) => Deliver(Topics.Orders, CloudEvents.Wrap(order, Topics.Orders));

    private Task<string?> DeliverPayment(Payment payment) => Deliver(Topics.Payments, CloudEvents.Wrap(payment, Topics.Payments));

    private Task<string?> DeliverCustomer(Customer customer) => Deliver(Topics.Customers, CloudEvents.Wrap(customer, Topics.Customers));

    private IReadOnlyList<PublishedEvent> Enriched() =>
        [.. _app.Publisher.Published.Where(p => p.Topic.StartsWith(Topics.EnrichedOrdersPrefix, StringComparison.Ordinal))];

    private OrderJoin? JoinOf(Order order) => _app.Store.Peek<OrderJoin>(OrderEmailJoin.JoinKey(order.Id));

    [Fact]
    public async Task A_validated_order_then_its_payment_sends_one_email_and_publishes_the_enriched_order_to_the_level_topic()
    {
        var customer = NewCustomer(CustomerLevels.Platinum);
        var order = NewOrder(customer);
        var payment = PaymentFor(order);
        await DeliverCustomer(customer);

        Assert.Equal("SUCCESS", await DeliverOrder(order));
        Assert.Empty(_app.Email.Sent);
        Assert.Equal("SUCCESS", await DeliverPayment(payment));

        var email = Assert.Single(_app.Email.Sent);
        Assert.Equal((customer.Email, $"Your order {order.Id} is confirmed"), (email.To, email.Subject));
        var enriched = Assert.Single(Enriched());
        Assert.Equal(("orders-platinum", order.Id), (enriched.Topic, enriched.Key));
        Assert.Equal(new EnrichedOrder(order, payment, customer), enriched.Message);
        Assert.Equal(JoinStage.Sent, JoinOf(order)?.Stage);
    }

    [Fact]
    public async Task A_payment_that_arrives_before_its_validated_order_waits_for_it()
    {
        var customer = NewCustomer(CustomerLevels.Silver);
        var order = NewOrder(customer);
        await DeliverCustomer(customer);

        await DeliverPayment(PaymentFor(order));
        Assert.Empty(_app.Email.Sent);
        await DeliverOrder(order);

        Assert.Equal(customer.Email, Assert.Single(_app.Email.Sent).To);
        Assert.Equal("orders-silver", Assert.Single(Enriched()).Topic);
    }

    [Theory]
    [InlineData(OrderState.Created)]
    [InlineData(OrderState.Failed)]
    [InlineData(OrderState.Shipped)]
    public async Task A_paid_order_that_is_not_validated_gets_no_email_and_is_not_routed(OrderState state)
    {
        var customer = NewCustomer();
        var order = NewOrder(customer, state);
        await DeliverCustomer(customer);

        Assert.Equal("SUCCESS", await DeliverOrder(order));
        Assert.Equal("SUCCESS", await DeliverPayment(PaymentFor(order)));

        Assert.Empty(_app.Email.Sent);
        Assert.Empty(Enriched());
    }

    [Fact]
    public async Task A_created_order_followed_by_its_validation_sends_once_the_payment_is_there()
    {
        var customer = NewCustomer();
        var order = NewOrder(customer, OrderState.Created);
        await DeliverCustomer(customer);
        await DeliverPayment(PaymentFor(order));

        await DeliverOrder(order);
        Assert.Empty(_app.Email.Sent);
        await DeliverOrder(order with { State = OrderState.Validated });

        Assert.Single(_app.Email.Sent);
    }

    [Fact]
    public async Task Orders_of_an_unknown_customer_wait_and_complete_when_the_customer_arrives()
    {
        var customer = NewCustomer(CustomerLevels.Bronze);
        var first = NewOrder(customer);
        var second = NewOrder(customer);
        foreach (var order in new[] { first, second })
        {
            await DeliverOrder(order);
            await DeliverPayment(PaymentFor(order));
        }

        Assert.Empty(_app.Email.Sent);
        Assert.Equal(new AwaitingCustomer([first.Id, second.Id]).OrderIds, _app.Store.Peek<AwaitingCustomer>(OrderEmailJoin.AwaitingKey(customer.Id))?.OrderIds);

        Assert.Equal("SUCCESS", await DeliverCustomer(customer));

        Assert.Equal(2, _app.Email.To(customer.Email).Count);
        Assert.Equal([first.Id, second.Id], Enriched().Where(e => e.Topic == "orders-bronze").Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Null(_app.Store.Peek<AwaitingCustomer>(OrderEmailJoin.AwaitingKey(customer.Id)));
    }

    [Fact]
    public async Task The_latest_customer_record_is_the_one_the_email_goes_to()
    {
        var customer = NewCustomer(CustomerLevels.Gold);
        var moved = customer with { Email = $"new-{customer.Email}", Level = CustomerLevels.Platinum };
        var order = NewOrder(customer);

        await DeliverCustomer(customer);
        await DeliverCustomer(moved);
        await DeliverOrder(order);
        await DeliverPayment(PaymentFor(order));

        Assert.Equal(moved.Email, Assert.Single(_app.Email.Sent).To);
        Assert.Equal("orders-platinum", Assert.Single(Enriched()).Topic);
        Assert.Equal(moved, _app.Store.Peek<Customer>(OrderEmailJoin.CustomerKey(customer.Id)));
    }

    [Fact]
    public async Task An_unknown_customer_level_routes_to_the_bronze_topic_with_a_warning_and_still_sends()
    {
        var customer = NewCustomer("diamond");
        var order = NewOrder(customer);
        await DeliverCustomer(customer);

        await DeliverOrder(order);
        await DeliverPayment(PaymentFor(order));

        Assert.Equal("orders-bronze", Assert.Single(Enriched()).Topic);
        Assert.Single(_app.Email.Sent);
        Assert.Contains(_app.Logs.Warnings, w => w.Contains("unknown level diamond", StringComparison.Ordinal) && w.Contains(order.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Redelivered_orders_payments_and_customers_send_exactly_one_email()
    {
        var customer = NewCustomer();
        var order = NewOrder(customer);
        var payment = PaymentFor(order);

        for (var round = 0; round < 3; round++)
        {
            await DeliverCustomer(customer);
            await DeliverOrder(order);
            await DeliverPayment(payment);
        }

        Assert.Single(_app.Email.Sent);
        Assert.Single(Enriched());
    }

    [Fact]
    public async Task Concurrent_deliveries_of_orders_and_payments_send_exactly_one_email_per_order()
    {
        var customer = NewCustomer();
        await DeliverCustomer(customer);
        var orders = Enumerable.Range(0, 20).Select(_ => NewOrder(customer)).ToList();

        // Each order and its payment three times over, all at once: two topics, redeliveries, several instances.
        var deliveries = orders.SelectMany(order => Enumerable.Range(0, 3).SelectMany(_ => new[]
        {
            Task.Run(() => DeliverOrder(order), Cancel),
            Task.Run(() => DeliverPayment(PaymentFor(order)), Cancel),
        }));
        var statuses = await Task.WhenAll(deliveries);

        Assert.All(statuses, status => Assert.Equal("SUCCESS", status));
        Assert.Equal(orders.Select(o => $"Your order {o.Id} is confirmed").Order(StringComparer.Ordinal),
            _app.Email.Sent.Select(m => m.Subject).Order(StringComparer.Ordinal));
        Assert.All(orders, order => Assert.Equal(JoinStage.Sent, JoinOf(order)?.Stage));
    }

    [Fact]
    public async Task A_customer_arriving_while_its_orders_complete_sends_each_email_once()
    {
        var customer = NewCustomer();
        var orders = Enumerable.Range(0, 10).Select(_ => NewOrder(customer)).ToList();
        foreach (var order in orders)
        {
            await DeliverOrder(order);
        }

        var deliveries = orders.Select(order => Task.Run(() => DeliverPayment(PaymentFor(order)), Cancel))
            .Append(Task.Run(() => DeliverCustomer(customer), Cancel))
            .Append(Task.Run(() => DeliverCustomer(customer), Cancel));
        await Task.WhenAll(deliveries);

        Assert.Equal(orders.Count, _app.Email.Sent.Count);
        Assert.Equal(orders.Count, _app.Email.Sent.Select(m => m.Subject).Distinct().Count());
    }

    [Fact]
    public async Task A_delivery_that_loses_the_claim_to_another_sends_nothing()
    {
        var customer = NewCustomer();
        var order = NewOrder(customer);
        await DeliverCustomer(customer);
        await DeliverOrder(order);
        var now = _app.Clock.GetUtcNow();
        var ready = JoinRules.WithPayment(JoinRules.WithOrder(JoinRules.Start(order.Id, now, EmailApplication.WaitingTimeout), order), PaymentFor(order));
        // The delivery's first save adds the payment; just before its second save (the claim) another delivery
        // claims the same email.
        _app.Store.BeforeNextSave = store => store.BeforeNextSave = other =>
            other.Put(OrderEmailJoin.JoinKey(order.Id), JoinRules.Claim(ready, "other", now));

        Assert.Equal("SUCCESS", await DeliverPayment(PaymentFor(order)));

        Assert.Empty(_app.Email.Sent);
        Assert.Equal("other", JoinOf(order)?.ClaimedBy);
    }

    [Fact]
    public async Task A_failed_send_is_a_server_error_releases_the_claim_and_the_redelivery_sends_once()
    {
        var customer = NewCustomer();
        var order = NewOrder(customer);
        await DeliverCustomer(customer);
        await DeliverOrder(order);
        _app.Email.FailNext();

        var failed = await Post(Topics.Payments, CloudEvents.Wrap(PaymentFor(order), Topics.Payments));
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(JoinStage.Waiting, JoinOf(order)?.Stage);

        Assert.Equal("SUCCESS", await DeliverPayment(PaymentFor(order)));
        Assert.Single(_app.Email.Sent);
    }

    [Fact]
    public async Task A_crash_between_sending_and_recording_it_never_sends_twice()
    {
        var customer = NewCustomer();
        var order = NewOrder(customer);
        await DeliverCustomer(customer);
        await DeliverOrder(order);
        // The email goes out, then the store fails the write that records it: the delivery fails (500).
        _app.Email.WhileSending = () => _app.Store.BeforeNextSave = _ => throw new IOException("state store unreachable");

        var failed = await Post(Topics.Payments, CloudEvents.Wrap(PaymentFor(order), Topics.Payments));
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);

        Assert.Equal("SUCCESS", await DeliverPayment(PaymentFor(order)));
        Assert.Equal("SUCCESS", await DeliverOrder(order));
        Assert.Single(_app.Email.Sent);
        Assert.Equal(JoinStage.Sending, JoinOf(order)?.Stage);
    }

    [Fact]
    public async Task A_delivery_cancelled_while_its_email_goes_out_still_records_it_and_never_sends_twice()
    {
        var customer = NewCustomer();
        var order = NewOrder(customer);
        await DeliverCustomer(customer);
        await DeliverOrder(order);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        // The sidecar gives up on the delivery while the binding call is out.
        _app.Email.WhileSending = abort.Cancel;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _client.PostAsync($"/events/{Topics.Payments}", CloudEvents.Wrap(PaymentFor(order), Topics.Payments), abort.Token));

        // The handler goes on after the client left; nothing to await but the store.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (JoinOf(order)?.Stage != JoinStage.Sent && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Cancel);
        }

        Assert.Equal(JoinStage.Sent, JoinOf(order)?.Stage);
        Assert.Equal("SUCCESS", await DeliverPayment(PaymentFor(order)));
        Assert.Single(_app.Email.Sent);
    }

    [Fact]
    public async Task A_failed_publish_of_the_enriched_order_sends_nothing_and_the_redelivery_does_both()
    {
        var customer = NewCustomer();
        var order = NewOrder(customer);
        await DeliverCustomer(customer);
        await DeliverOrder(order);
        _app.Publisher.FailNext();

        var failed = await Post(Topics.Payments, CloudEvents.Wrap(PaymentFor(order), Topics.Payments));
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Empty(_app.Email.Sent);

        await DeliverPayment(PaymentFor(order));
        Assert.Single(_app.Email.Sent);
        Assert.Single(Enriched());
    }

    [Fact]
    public async Task An_order_whose_customer_never_arrives_expires_with_a_warning_and_a_late_customer_sends_nothing()
    {
        var customer = NewCustomer();
        var order = NewOrder(customer);
        await DeliverOrder(order);
        await DeliverPayment(PaymentFor(order));

        Assert.Equal(0, await _app.ExpireDueAsync());
        _app.Clock.Advance(EmailApplication.WaitingTimeout);
        Assert.Equal(1, await _app.ExpireDueAsync());

        var warning = Assert.Single(_app.Logs.Warnings, w => w.Contains(order.Id, StringComparison.Ordinal));
        Assert.Contains($"customer {customer.Id}", warning, StringComparison.Ordinal);
        Assert.Null(JoinOf(order));

        await DeliverCustomer(customer);
        Assert.Empty(_app.Email.Sent);
        Assert.Empty(Enriched());
    }

    [Fact]
    public async Task A_payment_whose_order_never_validates_expires_with_a_warning()
    {
        var order = NewOrder(NewCustomer());
        await DeliverPayment(PaymentFor(order));

        _app.Clock.Advance(EmailApplication.WaitingTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _app.ExpireDueAsync());

        Assert.Contains(_app.Logs.Warnings, w => w.Contains(order.Id, StringComparison.Ordinal) && w.Contains("its VALIDATED order", StringComparison.Ordinal));
        Assert.Null(JoinOf(order));
    }

    [Fact]
    public async Task An_expired_join_is_noticed_by_the_next_event_and_what_arrives_then_waits_anew()
    {
        var customer = NewCustomer();
        var order = NewOrder(customer);
        await DeliverCustomer(customer);
        await DeliverOrder(order);

        _app.Clock.Advance(EmailApplication.WaitingTimeout);
        Assert.Equal("SUCCESS", await DeliverPayment(PaymentFor(order)));

        Assert.Contains(_app.Logs.Warnings, w => w.Contains(order.Id, StringComparison.Ordinal) && w.Contains("its payment", StringComparison.Ordinal));
        Assert.Empty(_app.Email.Sent);
        var join = JoinOf(order);
        Assert.Equal((null, PaymentFor(order)), (join?.Order, join?.Payment));
    }

    [Fact]
    public async Task What_waits_is_forgotten_by_the_store_after_the_timeout_and_only_customers_and_sent_joins_stay()
    {
        var customer = NewCustomer();
        var sent = NewOrder(customer);
        await DeliverCustomer(customer);
        await DeliverOrder(sent);
        await DeliverPayment(PaymentFor(sent));
        var stranger = NewCustomer();
        var waiting = NewOrder(stranger);
        await DeliverOrder(waiting);
        await DeliverPayment(PaymentFor(waiting));
        await DeliverPayment(PaymentFor(NewOrder(customer)));

        // No sweep runs: the store's TTL alone bounds what waits (here the sweep interval is an hour, the grace two).
        _app.Clock.Advance(EmailApplication.WaitingTimeout + TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));

        Assert.Equal(
            [OrderEmailJoin.CustomerKey(customer.Id), OrderEmailJoin.JoinKey(sent.Id)],
            _app.Store.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{"customerId":"c-1","state":"VALIDATED","product":"JUMPERS","quantity":1,"price":1}""")]
    [InlineData("""{"id":"o-x","state":"VALIDATED","product":"JUMPERS","quantity":1,"price":1}""")]
    [InlineData("""{"id":"o-x","customerId":"c-1","state":"PAID","product":"JUMPERS","quantity":1,"price":1}""")]
    [InlineData("""[1,2,3]""")]
    public async Task A_malformed_order_is_dropped_and_changes_nothing(string json)
    {
        Assert.Equal("DROP", await Deliver(Topics.Orders, CloudEvents.Raw(json, Topics.Orders)));
        Assert.Empty(_app.Store.Keys);
    }

    [Theory]
    [InlineData("""{"id":"p-1","ccy":"EUR","amount":1}""")]
    [InlineData("""{"orderId":"o-1","ccy":"EUR","amount":1}""")]
    [InlineData("""{"id":"p-1","orderId":"o-1","ccy":"EUR","amount":"lots"}""")]
    public async Task A_malformed_payment_is_dropped_and_changes_nothing(string json)
    {
        Assert.Equal("DROP", await Deliver(Topics.Payments, CloudEvents.Raw(json, Topics.Payments)));
        Assert.Empty(_app.Store.Keys);
    }

    [Theory]
    [InlineData("""{"firstName":"A","lastName":"B","email":"a@example.com","address":"x","level":"gold"}""")]
    [InlineData("""{"id":"c-1","firstName":"A","lastName":"B","address":"x","level":"gold"}""")]
    [InlineData("""{"id":"c-1","firstName":"A","lastName":"B","email":"not an address","address":"x","level":"gold"}""")]
    public async Task A_customer_without_id_or_usable_email_is_dropped_and_changes_nothing(string json)
    {
        Assert.Equal("DROP", await Deliver(Topics.Customers, CloudEvents.Raw(json, Topics.Customers)));
        Assert.Empty(_app.Store.Keys);
    }

    [Fact]
    public async Task The_subscriptions_are_orders_payments_and_customers_with_routes_and_dead_letter_topic()
    {
        var declared = await DeclaredSubscriptions.ReadAsync(_client, Cancel);

        Assert.Equal(
            [
                new DeclaredSubscription(DaprComponents.PubSub, Topics.Customers, "events/customers", Topics.DeadLetter),
                new DeclaredSubscription(DaprComponents.PubSub, Topics.Orders, "events/orders", Topics.DeadLetter),
                new DeclaredSubscription(DaprComponents.PubSub, Topics.Payments, "events/payments", Topics.DeadLetter),
            ],
            declared);
    }
}
