using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprOrders.Contracts;
using DaprOrders.Grid.View;
using DaprOrders.TestDoubles;
using Microsoft.Data.Sqlite;

namespace DaprOrders.Grid.Tests;

public sealed class GridSubscriptionTests : IAsyncDisposable
{
    private readonly GridApplication _app = new();
    private readonly HttpClient _client;
    private readonly string _id = $"o-{Guid.NewGuid():N}";

    public GridSubscriptionTests() => _client = _app.CreateClient();

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<string?> Deliver<T>(string topic, T message) => await Post(topic, CloudEvents.Wrap(message, topic));

    private async Task<string?> Post(string topic, HttpContent cloudEvent)
    {
        var response = await _client.PostAsync($"/events/{topic}", cloudEvent, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("status").GetString();
    }

    private async Task<OrdersPage> GetPage(string query = "") =>
        (await _client.GetFromJsonAsync<OrdersPage>($"/api/orders{query}", ContractsJson.Options, Cancel))!;

    [Fact]
    public async Task The_grid_subscribes_to_orders_payments_and_customers_with_the_dead_letter_topic()
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

    [Fact]
    public async Task Delivered_order_payment_and_customer_show_as_one_row()
    {
        Assert.Equal("SUCCESS", await Deliver(Topics.Payments, TestOrders.PaymentFor(_id, 40m)));
        Assert.Equal("SUCCESS", await Deliver(Topics.Orders, TestOrders.Created(_id, "c-42", quantity: 4, price: 40m)));
        Assert.Equal("SUCCESS", await Deliver(Topics.Customers, TestOrders.Customer("c-42", "platinum")));
        Assert.Equal("SUCCESS", await Deliver(Topics.Orders, TestOrders.Created(_id, "c-42", quantity: 4, price: 40m) with { State = OrderState.Validated }));

        var page = await GetPage();

        Assert.Equal(1, page.Total);
        Assert.Equal(
            new GridRow(0, _id, "c-42", "Ada Lovelace", "platinum", Product.Jumpers, 4, 40m, OrderState.Validated, 40m, "EUR"),
            Assert.Single(page.Rows));
    }

    [Fact]
    public async Task A_redelivered_order_event_is_acknowledged_and_keeps_one_row()
    {
        // The very same envelope each time, as Dapr redelivers it.
        
        var cloudEvent = await CloudEvents.Wrap(TestOrders.Created(_id), Topics.Orders).ReadAsByteArrayAsync(Cancel);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("SUCCESS", await Post(Topics.Orders, new ByteArrayContent(cloudEvent) { Headers = { ContentType = new("application/cloudevents+json") } }));
        }

        Assert.Equal(_id, Assert.Single((await GetPage()).Rows).OrderId);
    }

    [Fact]
    public async Task An_order_published_twice_as_created_and_twice_as_validated_keeps_one_row_in_its_verdict()
    {
        // The orders workflow publishes each state at least once: each copy is a new event, not a redelivery.
        var created = TestOrders.Created(_id);
        Assert.Equal("SUCCESS", await Deliver(Topics.Orders, created));
        Assert.Equal("SUCCESS", await Deliver(Topics.Orders, created));
        Assert.Equal("SUCCESS", await Deliver(Topics.Orders, created with { State = OrderState.Validated }));
        Assert.Equal("SUCCESS", await Deliver(Topics.Orders, created with { State = OrderState.Validated }));

        var page = await GetPage();
        Assert.Equal(1, page.Total);
        Assert.Equal((0L, OrderState.Validated), (Assert.Single(page.Rows).Position, page.Rows[0].State));
    }

    [Fact]
    public async Task A_created_order_redelivered_after_it_failed_leaves_it_failed()
    {
        await Deliver(Topics.Orders, TestOrders.Created(_id) with { State = OrderState.Failed });

        Assert.Equal("SUCCESS", await Deliver(Topics.Orders, TestOrders.Created(_id)));

        Assert.Equal(OrderState.Failed, Assert.Single((await GetPage()).Rows).State);
    }

    [Theory]
    [InlineData(Topics.Orders, """{"id":"o-x","customerId":"c-1","state":"CREATED","product":"HATS","quantity":1,"price":1}""")]
    [InlineData(Topics.Orders, """{"customerId":"c-1","state":"CREATED","product":"JUMPERS","quantity":1,"price":1}""")]
    [InlineData(Topics.Orders, """{"id":"o-x","state":"CREATED","product":"JUMPERS","quantity":1,"price":1}""")]
    [InlineData(Topics.Orders, """{"id":"o-x","customerId":"c-1","state":9,"product":"JUMPERS","quantity":1,"price":1}""")]
    [InlineData(Topics.Orders, """{"id":"o-x","customerId":"c-1","state":"CREATED","product":7,"quantity":1,"price":1}""")]
    [InlineData(Topics.Payments, """{"id":"p-1","ccy":"EUR","amount":1}""")]
    [InlineData(Topics.Payments, """{"id":"p-1","orderId":"o-x","ccy":"EUR","amount":"lots"}""")]
    [InlineData(Topics.Customers, """{"firstName":"Ada","lastName":"Lovelace","level":"gold"}""")]
    [InlineData(Topics.Customers, """{"id":"c-1","firstName":"Ada","lastName":"Lovelace"}""")]
    [InlineData(Topics.Customers, """[1,2,3]""")]
    public async Task A_malformed_event_is_dropped_and_the_grid_is_unchanged(string topic, string json)
    {
        var status = await Post(topic, CloudEvents.Raw(json, topic));

        Assert.Equal("DROP", status);
        Assert.Equal(0, (await GetPage()).Total);
    }

    [Fact]
    public async Task A_write_that_fails_is_a_server_error_so_dapr_redelivers()
    {
        await Deliver(Topics.Orders, TestOrders.Created("o-first"));
        // Break the database under the running app: the next write cannot find its table.
        await using (var connection = new SqliteConnection($"Data Source={_app.DatabasePath}"))
        {
            await connection.OpenAsync(Cancel);
            await using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE payments";
            await drop.ExecuteNonQueryAsync(Cancel);
        }

        var response = await _client.PostAsync($"/events/{Topics.Payments}", CloudEvents.Wrap(TestOrders.PaymentFor("o-first"), Topics.Payments), Cancel);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }
}
