using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprOrders.Contracts;
using DaprOrders.TestDoubles;

namespace DaprOrders.OrderDetails.Tests;

public sealed class OrderDetailsSubscriptionTests : IAsyncDisposable
{
    private readonly OrderDetailsApplication _app = new();
    private readonly HttpClient _client;
    private readonly Order _order = new($"o-{Guid.NewGuid():N}", "c-1", OrderState.Created, Product.Stockings, 2, 20m);

    public OrderDetailsSubscriptionTests() => _client = _app.CreateClient();

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<string?> Deliver(HttpContent cloudEvent)
    {
        var response = await _client.PostAsync($"/events/{Topics.Orders}", cloudEvent, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("status").GetString();
    }

    [Fact]
    public async Task A_created_order_gets_its_check_published_keyed_by_order_id()
    {
        var status = await Deliver(CloudEvents.Wrap(_order, Topics.Orders));

        Assert.Equal("SUCCESS", status);
        var published = Assert.Single(_app.Publisher.Published);
        Assert.Equal((Topics.OrderValidations, _order.Id), (published.Topic, published.Key));
        Assert.Equal(new OrderValidation(_order.Id, OrderValidationType.OrderDetailsCheck, OrderValidationResult.Pass), published.Message);
    }

    [Fact]
    public async Task A_created_order_with_bad_details_fails_the_check()
    {
        await Deliver(CloudEvents.Wrap(_order with { Quantity = 0 }, Topics.Orders));

        var validation = Assert.Single(_app.Publisher.On<OrderValidation>(Topics.OrderValidations));
        Assert.Equal(OrderValidationResult.Fail, validation.Result);
    }

    [Fact]
    public async Task A_created_order_without_a_customer_fails_the_check()
    {
        await Deliver(CloudEvents.Raw($$"""{"id":"{{_order.Id}}","state":"CREATED","product":"JUMPERS","quantity":1,"price":1}""", Topics.Orders));

        Assert.Equal(OrderValidationResult.Fail, Assert.Single(_app.Publisher.On<OrderValidation>(Topics.OrderValidations)).Result);
    }

    [Fact]
    public async Task A_redelivered_order_gets_the_same_result_again()
    {
        await Deliver(CloudEvents.Wrap(_order, Topics.Orders));
        await Deliver(CloudEvents.Wrap(_order, Topics.Orders));

        var results = _app.Publisher.On<OrderValidation>(Topics.OrderValidations);
        Assert.Equal(2, results.Count);
        Assert.Equal(results[0], results[1]);
    }

    [Theory]
    [InlineData(OrderState.Validated)]
    [InlineData(OrderState.Failed)]
    [InlineData(OrderState.Shipped)]
    public async Task Orders_that_are_not_created_are_acknowledged_and_ignored(OrderState state)
    {
        var status = await Deliver(CloudEvents.Wrap(_order with { State = state }, Topics.Orders));

        Assert.Equal("SUCCESS", status);
        Assert.Empty(_app.Publisher.Published);
    }

    [Theory]
    [InlineData("""{"id":"o-x","customerId":"c-1","state":"CREATED","product":"HATS","quantity":1,"price":1}""")]
    [InlineData("""{"id":"o-x","customerId":"c-1","state":"CREATED","product":"JUMPERS","quantity":"many","price":1}""")]
    [InlineData("""{"customerId":"c-1","state":"CREATED","product":"JUMPERS","quantity":1,"price":1}""")]
    [InlineData("""[1,2,3]""")]
    public async Task A_malformed_order_is_dropped_and_nothing_is_published(string json)
    {
        var status = await Deliver(CloudEvents.Raw(json, Topics.Orders));

        Assert.Equal("DROP", status);
        Assert.Empty(_app.Publisher.Published);
    }

    [Fact]
    public async Task A_failed_publish_is_a_server_error_so_dapr_redelivers()
    {
        _app.Publisher.FailNext();

        var response = await _client.PostAsync($"/events/{Topics.Orders}", CloudEvents.Wrap(_order, Topics.Orders), Cancel);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(_app.Publisher.Published);
    }

    [Fact]
    public async Task The_subscription_is_the_orders_topic_with_its_route_and_dead_letter_topic()
    {
        var declared = await DeclaredSubscriptions.ReadAsync(_client, Cancel);

        Assert.Equal(
            [
                new DeclaredSubscription(DaprComponents.PubSub, Topics.Orders, "events/orders", Topics.DeadLetter),
            ],
            declared);
    }

    [Fact]
    public async Task Liveness_is_served_in_production()
    {
        var response = await _client.GetAsync("/healthz", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
