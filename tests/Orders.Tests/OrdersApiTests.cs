using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprOrders.Contracts;
using DaprOrders.Orders.View;
using DaprOrders.TestDoubles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace DaprOrders.Orders.Tests;

public sealed class OrdersApiTests : OrdersAppTests
{
    private readonly string _id = $"o-{Guid.NewGuid():N}";

    private object ValidBody(int quantity = 2) => new { id = _id, customerId = "c-1", product = "JUMPERS", quantity, price = 25.5m };

    private Order ValidOrder => new(_id, "c-1", OrderState.Created, Product.Jumpers, 2, 25.5m);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_valid_order_is_created_with_its_location_and_published_as_created()
    {
        var response = await Client.PostAsJsonAsync("/v1/orders", ValidBody(), Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/v1/orders/{_id}", response.Headers.Location?.OriginalString);
        var body = await response.Content.ReadFromJsonAsync<Order>(ContractsJson.Options, Cancel);
        Assert.Equal(ValidOrder, body);
        // Published by the order's validation workflow, after the 201.
        using var deadline = Within.Deadline();
        var published = await App.Publisher.NextAsync(deadline.Token);
        Assert.Equal((Topics.Orders, _id), (published.Topic, published.Key));
        Assert.Equal(ValidOrder, published.Message);
    }

    [Fact]
    public async Task An_explicit_created_state_is_accepted()
    {
        var response = await Client.PostAsJsonAsync("/v1/orders",
            new { id = _id, customerId = "c-1", state = "CREATED", product = "JUMPERS", quantity = 2, price = 25.5m }, Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"id":"ID","customerId":"c-1","product":"JUMPERS","quantity":0,"price":1}""", "Quantity")]
    [InlineData("""{"id":"ID","customerId":"c-1","product":"JUMPERS","quantity":-3,"price":1}""", "Quantity")]
    [InlineData("""{"id":"ID","customerId":"c-1","product":"JUMPERS","quantity":1,"price":-0.01}""", "Price")]
    [InlineData("""{"id":"ID","customerId":"c-1","product":"JUMPERS","quantity":1}""", "Price")]
    [InlineData("""{"id":"ID","customerId":"c-1","price":1,"quantity":1}""", "Product")]
    [InlineData("""{"id":"ID","product":"JUMPERS","quantity":1,"price":1}""", "CustomerId")]
    [InlineData("""{"id":"","customerId":"c-1","product":"JUMPERS","quantity":1,"price":1}""", "Id")]
    [InlineData("""{"customerId":"c-1","product":"JUMPERS","quantity":1,"price":1}""", "Id")]
    [InlineData("""{"id":"a/b","customerId":"c-1","product":"JUMPERS","quantity":1,"price":1}""", "Id")]
    [InlineData("""{"id":"..","customerId":"c-1","product":"JUMPERS","quantity":1,"price":1}""", "Id")]
    [InlineData("""{"id":"a b","customerId":"c-1","product":"JUMPERS","quantity":1,"price":1}""", "Id")]
    [InlineData("""{"id":"ID","customerId":"c/1","product":"JUMPERS","quantity":1,"price":1}""", "CustomerId")]
    [InlineData("""{"id":"ID","customerId":"c-1","state":"VALIDATED","product":"JUMPERS","quantity":1,"price":1}""", "State")]
    public async Task Invalid_fields_are_a_validation_problem_and_nothing_is_published(string json, string field)
    {
        var response = await Client.PostAsync("/v1/orders", Json(json.Replace("\"ID\"", $"\"{_id}\"", StringComparison.Ordinal)), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>(Cancel);
        Assert.Contains(field, problem!.Errors.Keys);
        Assert.Empty(App.Publisher.Published);
    }

    [Fact]
    public async Task An_id_longer_than_64_characters_is_a_validation_problem()
    {
        var response = await Client.PostAsJsonAsync("/v1/orders",
            new { id = new string('a', 65), customerId = "c-1", product = "JUMPERS", quantity = 1, price = 1 }, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(App.Publisher.Published);
    }

    [Theory]
    [InlineData("""{"id":"x","customerId":"c-1","product":"HATS","quantity":1,"price":1}""")]
    [InlineData("""{"id":"x","customerId":"c-1","product":"JUMPERS","quantity":"many","price":1}""")]
    [InlineData("""{"id":"x","customerId":"c-1",""")]
    [InlineData("""not json""")]
    public async Task Unreadable_bodies_are_a_bad_request_problem_and_nothing_is_published(string json)
    {
        var response = await Client.PostAsync("/v1/orders", Json(json), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(Cancel);
        Assert.Equal(400, problem!.Status);
        Assert.Empty(App.Publisher.Published);
    }

    [Fact]
    public async Task Get_returns_the_order_in_the_view()
    {
        App.StateStore.Put(OrderViewProjection.KeyFor(_id), ValidOrder);

        var response = await Client.GetAsync($"/v1/orders/{_id}?timeout=0", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ValidOrder, await response.Content.ReadFromJsonAsync<Order>(ContractsJson.Options, Cancel));
    }

    [Fact]
    public async Task Get_of_an_order_that_never_appears_is_a_not_found_problem_at_the_timeout()
    {
        var response = await Client.GetAsync($"/v1/orders/{_id}?timeout=100", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("60001")]
    [InlineData("soon")]
    public async Task A_bad_timeout_is_a_bad_request_problem(string timeout)
    {
        var response = await Client.GetAsync($"/v1/orders/{_id}?timeout={timeout}", Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_waiting_get_is_woken_by_an_order_event_on_the_broadcast_route()
    {
        var get = Client.GetAsync($"/v1/orders/{_id}?timeout=60000", Cancel);
        await App.WaitUntilParkedAsync(_id, 1, Cancel);

        var delivery = await Client.PostAsync(OrderSubscriptions.BroadcastRoute,
            CloudEvents.Wrap(ValidOrder, Topics.Orders, DaprComponents.BroadcastPubSub), Cancel);

        Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);
        var response = await get;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The answer came from the event itself, as on an instance that did not handle the consumer-group delivery,
        // and the view was brought up to it first: a later GET on any instance cannot see an older state.
        Assert.Equal(ValidOrder, await response.Content.ReadFromJsonAsync<Order>(ContractsJson.Options, Cancel));
        Assert.Equal(ValidOrder, App.StateStore.Peek<Order>(OrderViewProjection.KeyFor(_id)));
    }

    [Fact]
    public async Task Validated_waits_past_created_and_returns_the_verdict()
    {
        App.StateStore.Put(OrderViewProjection.KeyFor(_id), ValidOrder);
        var get = Client.GetAsync($"/v1/orders/{_id}/validated?timeout=60000", Cancel);
        await App.WaitUntilParkedAsync(_id, 1, Cancel);

        await Client.PostAsync(OrderSubscriptions.BroadcastRoute,
            CloudEvents.Wrap(ValidOrder, Topics.Orders, DaprComponents.BroadcastPubSub), Cancel);
        await Client.PostAsync(OrderSubscriptions.BroadcastRoute,
            CloudEvents.Wrap(ValidOrder with { State = OrderState.Failed }, Topics.Orders, DaprComponents.BroadcastPubSub), Cancel);

        var response = await get;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(OrderState.Failed, (await response.Content.ReadFromJsonAsync<Order>(ContractsJson.Options, Cancel))!.State);
    }

    [Fact]
    public async Task Validated_of_an_order_still_created_at_the_timeout_is_accepted_with_the_order()
    {
        App.StateStore.Put(OrderViewProjection.KeyFor(_id), ValidOrder);

        var response = await Client.GetAsync($"/v1/orders/{_id}/validated?timeout=100", Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(ValidOrder, await response.Content.ReadFromJsonAsync<Order>(ContractsJson.Options, Cancel));
    }

    [Fact]
    public async Task Validated_of_an_unknown_order_is_not_found_at_the_timeout()
    {
        var response = await Client.GetAsync($"/v1/orders/{_id}/validated?timeout=100", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Validated_answers_at_once_when_the_view_has_the_verdict()
    {
        App.StateStore.Put(OrderViewProjection.KeyFor(_id), ValidOrder with { State = OrderState.Validated });

        var response = await Client.GetAsync($"/v1/orders/{_id}/validated?timeout=60000", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Order_events_fill_the_view_and_a_late_created_never_overwrites_the_verdict()
    {
        var key = OrderViewProjection.KeyFor(_id);

        await DeliverOrder(ValidOrder);
        Assert.Equal(OrderState.Created, App.StateStore.Peek<Order>(key)!.State);

        await DeliverOrder(ValidOrder with { State = OrderState.Validated });
        await DeliverOrder(ValidOrder);

        Assert.Equal(OrderState.Validated, App.StateStore.Peek<Order>(key)!.State);
    }

    [Fact]
    public async Task Repeated_order_events_leave_the_view_as_their_first_delivery_did()
    {
        // A workflow activity runs at least once, so CREATED and the verdict may each be published twice.
        var key = OrderViewProjection.KeyFor(_id);
        await DeliverOrder(ValidOrder);
        await DeliverOrder(ValidOrder);
        Assert.Equal(ValidOrder, App.StateStore.Peek<Order>(key));

        await DeliverOrder(ValidOrder with { State = OrderState.Failed });
        var decided = await App.StateStore.GetAsync<Order>(key, Cancel);
        await DeliverOrder(ValidOrder with { State = OrderState.Failed });
        await DeliverOrder(ValidOrder);

        // Not even rewritten: the ETag is the one the first FAILED left.
        Assert.Equal(decided, await App.StateStore.GetAsync<Order>(key, Cancel));
    }

    [Fact]
    public async Task A_concurrent_view_write_is_re_read_and_the_view_does_not_regress()
    {
        var key = OrderViewProjection.KeyFor(_id);
        await DeliverOrder(ValidOrder);
        // Another instance writes FAILED between this handler's read and its write.
        App.StateStore.BeforeNextSave = store => store.Put(key, ValidOrder with { State = OrderState.Failed });

        await DeliverOrder(ValidOrder with { State = OrderState.Validated });

        Assert.Equal(1, App.StateStore.SaveConflicts);
        Assert.Equal(OrderState.Failed, App.StateStore.Peek<Order>(key)!.State);
    }

    [Fact]
    public async Task An_unreadable_order_event_is_dropped_not_retried()
    {
        var response = await Client.PostAsync($"/events/{Topics.Orders}", CloudEvents.Raw("""{"id":"x","state":"LOST"}""", Topics.Orders), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DROP", (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_order_event_without_an_id_is_dropped()
    {
        var response = await Client.PostAsync($"/events/{Topics.Orders}", CloudEvents.Raw("""{"customerId":"c-1","state":"CREATED","product":"JUMPERS","quantity":1,"price":1}""", Topics.Orders), Cancel);

        Assert.Equal("DROP", (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_subscriptions_declare_topics_routes_and_dead_letters()
    {
        var declared = await DeclaredSubscriptions.ReadAsync(Client, Cancel);

        Assert.Equal(
            [
                new DeclaredSubscription(DaprComponents.PubSub, Topics.OrderValidations, "events/order-validations", Topics.DeadLetter),
                new DeclaredSubscription(DaprComponents.PubSub, Topics.Orders, "events/orders", Topics.DeadLetter),
                new DeclaredSubscription(DaprComponents.BroadcastPubSub, Topics.Orders, "events/orders-broadcast", null),
            ],
            declared);
    }

    [Fact]
    public async Task Liveness_is_served_in_production_and_no_actors_are_hosted()
    {
        var health = await Client.GetAsync("/healthz", Cancel);
        var config = await Client.GetAsync("/dapr/config", Cancel);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        // The workflows' actors live in the sidecar's engine; the app registers none.
        Assert.Equal(HttpStatusCode.NotFound, config.StatusCode);
    }

    private async Task DeliverOrder(Order order)
    {
        var response = await Client.PostAsync($"/events/{Topics.Orders}", CloudEvents.Wrap(order, Topics.Orders), Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
