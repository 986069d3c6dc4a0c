using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprOrders.Contracts;
using DaprOrders.TestDoubles;

namespace DaprOrders.Inventory.Tests;

public sealed class InventorySubscriptionTests : IAsyncDisposable
{
    private readonly InventoryApplication _app = new();
    private readonly HttpClient _client;
    private readonly string _run = Guid.NewGuid().ToString("N");
    private int _orders;

    public InventorySubscriptionTests() => _client = _app.CreateClient();

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private Order NewOrder(int quantity, Product product = Product.Underpants) =>
        new($"o-{Interlocked.Increment(ref _orders)}-{_run}", "c-1", OrderState.Created, product, quantity, 10m);

    private async Task<string?> Deliver(string topic, HttpContent cloudEvent)
    {
        var response = await _client.PostAsync($"/events/{topic}", cloudEvent, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("status").GetString();
    }

    private Task<string?> DeliverOrder(Order order) => Deliver(Topics.Orders, CloudEvents.Wrap(order, Topics.Orders));

    private Task<string?> DeliverStock(Product product, int quantity) =>
        Deliver(Topics.WarehouseInventory, CloudEvents.Wrap(new StockLevel(product, quantity), Topics.WarehouseInventory));

    private List<OrderValidationResult> PublishedResults() =>
        [.. _app.Publisher.On<OrderValidation>(Topics.OrderValidations).Select(v => v.Result)];

    [Fact]
    public async Task A_created_order_within_stock_passes_and_is_published_keyed_by_order_id()
    {
        await DeliverStock(Product.Underpants, 5);
        var order = NewOrder(5);

        Assert.Equal("SUCCESS", await DeliverOrder(order));

        var published = Assert.Single(_app.Publisher.Published);
        Assert.Equal((Topics.OrderValidations, order.Id), (published.Topic, published.Key));
        Assert.Equal(new OrderValidation(order.Id, OrderValidationType.InventoryCheck, OrderValidationResult.Pass), published.Message);
        Assert.Equal(new ProductStock(5, 5), _app.Inventory.StockOf(Product.Underpants));
    }

    [Fact]
    public async Task Stock_is_kept_per_product()
    {
        await DeliverStock(Product.Underpants, 5);

        await DeliverOrder(NewOrder(1, Product.Stockings));
        await DeliverOrder(NewOrder(1, Product.Underpants));

        Assert.Equal([OrderValidationResult.Fail, OrderValidationResult.Pass], PublishedResults());
    }

    [Fact]
    public async Task A_redelivered_order_publishes_the_same_result_and_reserves_once()
    {
        await DeliverStock(Product.Underpants, 5);
        var order = NewOrder(3);

        await DeliverOrder(order);
        await DeliverOrder(order);

        Assert.Equal([OrderValidationResult.Pass, OrderValidationResult.Pass], PublishedResults());
        Assert.Equal(new ProductStock(5, 3), _app.Inventory.StockOf(Product.Underpants));
    }

    [Fact]
    public async Task A_failed_order_releases_its_reservation_and_publishes_nothing()
    {
        await DeliverStock(Product.Underpants, 5);
        var order = NewOrder(5);
        await DeliverOrder(order);

        Assert.Equal("SUCCESS", await DeliverOrder(order with { State = OrderState.Failed }));

        Assert.Single(_app.Publisher.Published);
        Assert.Equal(new ProductStock(5, 0), _app.Inventory.StockOf(Product.Underpants));
    }

    [Fact]
    public async Task A_failed_order_published_twice_releases_its_reservation_once()
    {
        // The orders workflow publishes its verdict at least once: a second FAILED must not give back stock again.
        await DeliverStock(Product.Underpants, 5);
        var held = NewOrder(2);
        var failing = NewOrder(3);
        await DeliverOrder(held);
        await DeliverOrder(failing);

        Assert.Equal("SUCCESS", await DeliverOrder(failing with { State = OrderState.Failed }));
        Assert.Equal("SUCCESS", await DeliverOrder(failing with { State = OrderState.Failed }));

        Assert.Equal(new ProductStock(5, 2), _app.Inventory.StockOf(Product.Underpants));
        Assert.Equal(2, _app.Publisher.Published.Count);
    }

    [Theory]
    [InlineData(OrderState.Validated)]
    [InlineData(OrderState.Shipped)]
    public async Task Validated_and_shipped_orders_are_acknowledged_and_keep_their_reservation(OrderState state)
    {
        await DeliverStock(Product.Underpants, 5);
        var order = NewOrder(2);
        await DeliverOrder(order);

        Assert.Equal("SUCCESS", await DeliverOrder(order with { State = state }));

        Assert.Single(_app.Publisher.Published);
        Assert.Equal(new ProductStock(5, 2), _app.Inventory.StockOf(Product.Underpants));
    }

    [Fact]
    public async Task Twenty_five_concurrent_orders_of_one_against_stock_ten_pass_exactly_ten()
    {
        await DeliverStock(Product.Underpants, 10);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => DeliverOrder(NewOrder(1))));

        Assert.All(statuses, status => Assert.Equal("SUCCESS", status));
        var results = PublishedResults();
        Assert.Equal(10, results.Count(r => r == OrderValidationResult.Pass));
        Assert.Equal(15, results.Count(r => r == OrderValidationResult.Fail));
    }

    [Fact]
    public async Task A_failed_publish_is_a_server_error_and_the_redelivery_publishes_the_recorded_result()
    {
        await DeliverStock(Product.Underpants, 1);
        var order = NewOrder(1);
        _app.Publisher.FailNext();

        var failed = await _client.PostAsync($"/events/{Topics.Orders}", CloudEvents.Wrap(order, Topics.Orders), Cancel);
        await DeliverOrder(order);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal([OrderValidationResult.Pass], PublishedResults());
        Assert.Equal(new ProductStock(1, 1), _app.Inventory.StockOf(Product.Underpants));
    }

    [Fact]
    public async Task A_created_order_of_an_undefined_product_fails()
    {
        await DeliverOrder(NewOrder(1) with { Product = (Product)42 });

        Assert.Equal([OrderValidationResult.Fail], PublishedResults());
    }

    [Theory]
    [InlineData("""{"id":"o-x","customerId":"c-1","state":"CREATED","product":"HATS","quantity":1,"price":1}""")]
    [InlineData("""{"customerId":"c-1","state":"CREATED","product":"JUMPERS","quantity":1,"price":1}""")]
    public async Task A_malformed_order_is_dropped_and_nothing_is_published(string json)
    {
        Assert.Equal("DROP", await Deliver(Topics.Orders, CloudEvents.Raw(json, Topics.Orders)));
        Assert.Empty(_app.Publisher.Published);
    }

    [Theory]
    [InlineData("""{"product":"HATS","quantity":1}""")]
    [InlineData("""{"product":"JUMPERS","quantity":-1}""")]
    [InlineData("""{"product":"JUMPERS","quantity":"plenty"}""")]
    [InlineData("""{"product":42,"quantity":1}""")]
    public async Task A_malformed_stock_level_is_dropped_and_changes_nothing(string json)
    {
        Assert.Equal("DROP", await Deliver(Topics.WarehouseInventory, CloudEvents.Raw(json, Topics.WarehouseInventory)));
        Assert.Null(_app.Inventory.StockOf(Product.Jumpers));
    }

    [Fact]
    public async Task The_subscriptions_are_orders_and_warehouse_inventory_with_routes_and_dead_letter_topic()
    {
        var declared = await DeclaredSubscriptions.ReadAsync(_client, Cancel);

        Assert.Equal(
            [
                new DeclaredSubscription(DaprComponents.PubSub, Topics.Orders, "events/orders", Topics.DeadLetter),
                new DeclaredSubscription(DaprComponents.PubSub, Topics.WarehouseInventory, "events/warehouse-inventory", Topics.DeadLetter),
            ],
            declared);
    }

    [Fact]
    public async Task Liveness_and_the_actor_type_are_served_in_production()
    {
        var health = await _client.GetAsync("/healthz", Cancel);
        var config = await _client.GetFromJsonAsync<JsonElement>("/dapr/config", Cancel);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal([ProductStockActor.TypeName], config.GetProperty("entities").EnumerateArray().Select(e => e.GetString()));
    }
}
