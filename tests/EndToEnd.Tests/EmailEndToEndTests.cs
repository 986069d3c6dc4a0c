using System.Text.Json;
using DaprOrders.Contracts;
using DaprOrders.EndToEnd.Tests.Telemetry;
using DaprOrders.LocalDapr.Telemetry;
using MimeKit;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>
/// The order services plus the email service (app id <see cref="AppIds.Email"/>) on one runtime, the runtime and
/// every app exporting their telemetry to an <see cref="OtlpReceiver"/> in the test process, briskly (spans and
/// logs within a quarter of a second, metrics every second), which passes it on to an Aspire dashboard, as
/// `localdapr run --dashboard` runs one.
/// </summary>
public sealed class EmailSystemFixture : IAsyncLifetime
{
    private static readonly Dictionary<string, string> BriskExport = new()
    {
        ["OTEL_BSP_SCHEDULE_DELAY"] = "250",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "250",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
    };

    private OrderSystemFixture? _inner;
    private OtlpReceiver? _telemetry;
    private AspireDashboard? _dashboard;

    public OrderSystem System => (_inner ?? throw new InvalidOperationException("Not started.")).System;

    public OtlpReceiver Telemetry => _telemetry ?? throw new InvalidOperationException("Not started.");

    public AspireDashboard Dashboard => _dashboard ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        _dashboard = await AspireDashboard.StartAsync(port: 0, otlpPort: 0, OrderSystem.Timeout, cancellationToken);
        _telemetry = await OtlpReceiver.StartAsync(_dashboard.OtlpEndpoint, cancellationToken);
        _inner = new OrderSystemFixture([.. OrderSystem.OrderServices, AppIds.Email], _telemetry.Endpoint, BriskExport);
        await _inner.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_inner is not null)
        {
            await _inner.DisposeAsync();
        }

        if (_telemetry is not null)
        {
            await _telemetry.DisposeAsync();
        }

        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync();
        }
    }
}

/// <summary>The tests that share one <see cref="EmailSystemFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SharedEmailSystem : ICollectionFixture<EmailSystemFixture>
{
    public const string Name = "Shared email system";
}

/// <summary>
/// Confirmation emails and level routing: customers and payments published by the loader, orders through the REST
/// API, the mails read as the smtp binding's .eml files and the enriched orders read from Kafka.
/// </summary>
[Collection(SharedEmailSystem.Name)]
public sealed class EmailEndToEndTests(EmailSystemFixture fixture)
{
    private static readonly string[] Levels = ["platinum", "gold", "silver", "bronze"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OrderSystem System => fixture.System;

    private static Customer NewCustomer(string level)
    {
        var id = TestIds.New("customer");
        return new Customer(id, "Ada", "Lovelace", $"{id}@example.com", "1 Analytical Row", level);
    }

    private static Order NewOrder(Customer customer, decimal price) =>
        new(TestIds.New("order"), customer.Id, OrderState.Created, Product.Jumpers, 1, price);

    private Task PayAsync(Order order) =>
        System.PublishAsync(Topics.Payments, order.Id, new Payment(TestIds.New("payment"), order.Id, "EUR", order.Price), Ct);

    [Fact]
    public async Task Each_validated_paid_order_gets_one_email_to_its_customer_and_is_routed_to_its_level_topic()
    {
        await System.SetStockAsync(Product.Jumpers, 1_000_000, Ct);
        var customers = Levels.Select(NewCustomer).ToList();
        // Over the fraud limit (2000): FAILED. Its own customer, whose failed order counts only against them.
        var overspender = NewCustomer("gold");
        foreach (var customer in customers.Append(overspender))
        {
            await System.PublishAsync(Topics.Customers, customer.Id, customer, Ct);
        }

        var validated = customers.SelectMany(c => new[] { NewOrder(c, 10m), NewOrder(c, 20m) }).ToList();
        var failed = NewOrder(overspender, 5_000m);
        // Half the payments arrive before their order, half after it was validated.
        var paidEarly = validated.Where((_, i) => i % 2 == 0).Append(failed).ToList();
        foreach (var order in paidEarly)
        {
            await PayAsync(order);
        }

        foreach (var order in validated.Append(failed))
        {
            await System.Orders.CreateOrderAsync(order, Ct);
        }

        Assert.All(await System.Orders.GetDecidedStatesAsync(validated.Select(o => o.Id), Ct), state => Assert.Equal(OrderState.Validated, state));
        Assert.Equal(OrderState.Failed, (await System.Orders.GetDecidedOrderAsync(failed.Id, Ct)).State);
        foreach (var order in validated.Except(paidEarly))
        {
            await PayAsync(order);
        }

        // The email service writes a mail before it acknowledges the event that completed its join, and the
        // VALIDATED events are on the orders topic once the API reports them: when the email app's consumer group
        // has committed all three topics, every mail it will ever send for these orders is written.
        foreach (var topic in new[] { Topics.Customers, Topics.Orders, Topics.Payments })
        {
            await System.Kafka.WaitUntilConsumedAsync(AppIds.Email, topic, Ct);
        }

        var mails = await ReadMailsAsync();
        var customerOf = customers.ToDictionary(c => c.Id);
        foreach (var order in validated)
        {
            var mail = Assert.Single(mails, m => IsAbout(m, order));
            Assert.Equal([customerOf[order.CustomerId].Email], mail.To.Mailboxes.Select(m => m.Address));
        }

        Assert.DoesNotContain(mails, m => IsAbout(m, failed));
        Assert.Equal(validated.Count, mails.Count(m => validated.Any(o => IsAbout(m, o))));

        foreach (var level in Levels)
        {
            var routed = (await System.Kafka.ReadAsync(Topics.EnrichedOrders(level), Ct))
                .Where(r => validated.Any(o => o.Id == r.Key) || r.Key == failed.Id)
                .ToList();
            var expected = validated.Where(o => customerOf[o.CustomerId].Level == level).Select(o => o.Id).Order(StringComparer.Ordinal);
            // At least once on the topic, keyed by order id: a receiver recognises a repeat by its key.
            Assert.Equal(expected, routed.Select(r => r.Key!).Distinct().Order(StringComparer.Ordinal));
            Assert.All(routed, record =>
            {
                var enriched = record.Data.Deserialize<EnrichedOrder>(ContractsJson.Options)!;
                Assert.Equal((record.Key, OrderState.Validated, level), (enriched.Order.Id, enriched.Order.State, enriched.Customer.Level));
                Assert.Equal(record.Key, enriched.Payment.OrderId);
            });
        }
    }

    [Fact]
    public async Task A_paid_order_of_a_customer_not_yet_known_is_confirmed_when_the_customer_arrives()
    {
        await System.SetStockAsync(Product.Jumpers, 1_000_000, Ct);
        var customer = NewCustomer("silver");
        var order = NewOrder(customer, 15m);
        await System.Orders.CreateOrderAsync(order, Ct);
        Assert.Equal(OrderState.Validated, (await System.Orders.GetDecidedOrderAsync(order.Id, Ct)).State);
        await PayAsync(order);
        await System.Kafka.WaitUntilConsumedAsync(AppIds.Email, Topics.Orders, Ct);
        await System.Kafka.WaitUntilConsumedAsync(AppIds.Email, Topics.Payments, Ct);
        Assert.DoesNotContain(await ReadMailsAsync(), m => IsAbout(m, order));

        await System.PublishAsync(Topics.Customers, customer.Id, customer, Ct);
        await System.Kafka.WaitUntilConsumedAsync(AppIds.Email, Topics.Customers, Ct);

        var mail = Assert.Single(await ReadMailsAsync(), m => IsAbout(m, order));
        Assert.Equal([customer.Email], mail.To.Mailboxes.Select(m => m.Address));
        Assert.Contains(await System.Kafka.ReadAsync(Topics.EnrichedOrders("silver"), Ct), r => r.Key == order.Id);
    }

    private static bool IsAbout(MimeMessage mail, Order order) => mail.Subject?.Contains(order.Id, StringComparison.Ordinal) == true;

    // Every .eml the smtp binding has written so far (it writes each mail as one file).
    private async Task<List<MimeMessage>> ReadMailsAsync()
    {
        var mails = new List<MimeMessage>();
        if (!Directory.Exists(System.MailFolder))
        {
            return mails;
        }

        foreach (var path in Directory.EnumerateFiles(System.MailFolder, "*.eml"))
        {
            mails.Add(await MimeMessage.LoadAsync(path, Ct));
        }

        return mails;
    }
}
