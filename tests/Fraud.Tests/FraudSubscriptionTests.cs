using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprOrders.Contracts;
using DaprOrders.TestDoubles;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DaprOrders.Fraud.Tests;

public sealed class FraudSubscriptionTests : IAsyncDisposable
{
    private readonly FraudApplication _app = new();
    private readonly HttpClient _client;
    private readonly string _customer = $"c-{Guid.NewGuid():N}";
    private int _orders;

    public FraudSubscriptionTests() => _client = _app.CreateClient();

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private Order NewOrder(decimal price) => new($"o-{++_orders}-{_customer}", _customer, OrderState.Created, Product.Jumpers, 1, price);

    private async Task<string?> Deliver(HttpContent cloudEvent)
    {
        var response = await _client.PostAsync($"/events/{Topics.Orders}", cloudEvent, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("status").GetString();
    }

    private IEnumerable<OrderValidationResult> PublishedResults() =>
        _app.Publisher.On<OrderValidation>(Topics.OrderValidations).Select(v => v.Result);

    [Fact]
    public async Task A_created_order_gets_its_fraud_check_published_keyed_by_order_id()
    {
        var order = NewOrder(100m);

        Assert.Equal("SUCCESS", await Deliver(CloudEvents.Wrap(order, Topics.Orders)));

        var published = Assert.Single(_app.Publisher.Published);
        Assert.Equal((Topics.OrderValidations, order.Id), (published.Topic, published.Key));
        Assert.Equal(new OrderValidation(order.Id, OrderValidationType.FraudCheck, OrderValidationResult.Pass), published.Message);
    }

    [Fact]
    public async Task A_customer_crossing_the_limit_fails_the_crossing_order()
    {
        await Deliver(CloudEvents.Wrap(NewOrder(1200m), Topics.Orders));
        _app.Clock.Advance(TimeSpan.FromMinutes(20));
        await Deliver(CloudEvents.Wrap(NewOrder(800m), Topics.Orders));

        Assert.Equal([OrderValidationResult.Pass, OrderValidationResult.Fail], PublishedResults());
    }

    [Fact]
    public async Task Customers_are_counted_separately()
    {
        await Deliver(CloudEvents.Wrap(NewOrder(1500m), Topics.Orders));
        await Deliver(CloudEvents.Wrap(NewOrder(1500m) with { CustomerId = $"other-{_customer}" }, Topics.Orders));

        Assert.Equal([OrderValidationResult.Pass, OrderValidationResult.Pass], PublishedResults());
    }

    [Fact]
    public async Task A_redelivered_order_publishes_the_same_verdict_without_counting_twice()
    {
        var order = NewOrder(1500m);
        await Deliver(CloudEvents.Wrap(order, Topics.Orders));
        await Deliver(CloudEvents.Wrap(order, Topics.Orders));
        await Deliver(CloudEvents.Wrap(NewOrder(499m), Topics.Orders));

        Assert.Equal([OrderValidationResult.Pass, OrderValidationResult.Pass, OrderValidationResult.Pass], PublishedResults());
    }

    [Fact]
    public async Task A_failed_publish_is_a_server_error_and_the_redelivery_publishes_the_recorded_verdict()
    {
        var order = NewOrder(1500m);
        _app.Publisher.FailNext();

        var failed = await _client.PostAsync($"/events/{Topics.Orders}", CloudEvents.Wrap(order, Topics.Orders), Cancel);
        await Deliver(CloudEvents.Wrap(order, Topics.Orders));
        await Deliver(CloudEvents.Wrap(NewOrder(499m), Topics.Orders));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal([OrderValidationResult.Pass, OrderValidationResult.Pass], PublishedResults());
    }

    [Theory]
    [InlineData(OrderState.Validated)]
    [InlineData(OrderState.Failed)]
    [InlineData(OrderState.Shipped)]
    public async Task Orders_that_are_not_created_are_acknowledged_ignored_and_not_counted(OrderState state)
    {
        Assert.Equal("SUCCESS", await Deliver(CloudEvents.Wrap(NewOrder(1500m) with { State = state }, Topics.Orders)));
        Assert.Empty(_app.Publisher.Published);

        await Deliver(CloudEvents.Wrap(NewOrder(1500m), Topics.Orders));
        Assert.Equal([OrderValidationResult.Pass], PublishedResults());
    }

    [Fact]
    public async Task An_order_without_a_customer_cannot_be_checked_and_gets_an_error()
    {
        await Deliver(CloudEvents.Raw("""{"id":"o-anon","state":"CREATED","product":"JUMPERS","quantity":1,"price":1}""", Topics.Orders));

        Assert.Equal(new OrderValidation("o-anon", OrderValidationType.FraudCheck, OrderValidationResult.Error),
            Assert.Single(_app.Publisher.On<OrderValidation>(Topics.OrderValidations)));
    }

    [Theory]
    [InlineData("""{"id":"o-x","customerId":"c-1","state":"CREATED","product":"HATS","quantity":1,"price":1}""")]
    [InlineData("""{"id":"o-x","customerId":"c-1","state":"CREATED","product":"JUMPERS","quantity":1,"price":"lots"}""")]
    [InlineData("""{"customerId":"c-1","state":"CREATED","product":"JUMPERS","quantity":1,"price":1}""")]
    public async Task A_malformed_order_is_dropped_and_nothing_is_published(string json)
    {
        Assert.Equal("DROP", await Deliver(CloudEvents.Raw(json, Topics.Orders)));
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
    public async Task Liveness_and_the_actor_type_are_served_in_production()
    {
        var health = await _client.GetAsync("/healthz", Cancel);
        var config = await _client.GetFromJsonAsync<JsonElement>("/dapr/config", Cancel);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal([CustomerSpendActor.TypeName], config.GetProperty("entities").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task The_limit_comes_from_configuration()
    {
        await using var configured = _app.WithWebHostBuilder(builder => builder.UseSetting("Fraud:Limit", "100"));
        using var client = configured.CreateClient();

        var response = await client.PostAsync($"/events/{Topics.Orders}", CloudEvents.Wrap(NewOrder(100m), Topics.Orders), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([OrderValidationResult.Fail], PublishedResults());
    }

    [Fact]
    public async Task An_invalid_limit_stops_the_service_at_start()
    {
        // The host runs this validator when it starts; asked directly, nothing races the test host's disposal.
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("Fraud:Limit", "0")]);
        builder.AddFraud();
        await using var misconfigured = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => misconfigured.Services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("Limit", error.Message, StringComparison.Ordinal);
    }
}
