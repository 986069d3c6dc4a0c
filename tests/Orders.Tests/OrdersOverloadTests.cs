using System.Net;
using System.Net.Http.Json;
using DaprOrders.Contracts;
using DaprOrders.Orders.Validation;
using DaprOrders.Orders.View;
using DaprOrders.TestDoubles;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace DaprOrders.Orders.Tests;

/// <summary>
/// What one instance refuses when it is full, and that a refusal records nothing and says when to come back: the
/// limits set very low (<c>Validation:MaxInFlight</c>, <c>Orders:MaxWaiting</c>) so a test can fill them.
/// </summary>
public sealed class OrdersOverloadTests() : OrdersAppTests(new Dictionary<string, string>
{
    ["Validation:MaxInFlight"] = "1",
    ["Orders:MaxWaiting"] = "1",
})
{
    private static Order NewOrder() => new($"o-{Guid.NewGuid():N}", "c-1", OrderState.Created, Product.Jumpers, 1, 5m);

    [Fact]
    public async Task A_new_order_beyond_the_validations_in_flight_is_a_503_with_retry_after_and_records_nothing()
    {
        var first = NewOrder();
        var second = NewOrder();
        Assert.Equal(HttpStatusCode.Created, (await Client.PostAsJsonAsync("/v1/orders", first, Cancel)).StatusCode);

        using var refused = await Client.PostAsJsonAsync("/v1/orders", second, Cancel);

        await AssertBusyAsync(refused);
        Assert.DoesNotContain(App.StateStore.Keys, key => key.Contains(second.Id, StringComparison.Ordinal));
        // The order already accepted is not new work: posting it again is still its 201.
        Assert.Equal(HttpStatusCode.Created, (await Client.PostAsJsonAsync("/v1/orders", first, Cancel)).StatusCode);
    }

    [Fact]
    public async Task A_verdict_seen_on_the_broadcast_makes_room_for_the_next_order()
    {
        var first = NewOrder();
        var second = NewOrder();
        Assert.Equal(HttpStatusCode.Created, (await Client.PostAsJsonAsync("/v1/orders", first, Cancel)).StatusCode);
        await AssertBusyAsync(await Client.PostAsJsonAsync("/v1/orders", second, Cancel));

        var delivery = await Client.PostAsync(OrderSubscriptions.BroadcastRoute,
            CloudEvents.Wrap(first with { State = OrderState.Failed }, Topics.Orders, DaprComponents.BroadcastPubSub), Cancel);
        Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);

        Assert.Equal(0, App.Services.GetRequiredService<ValidationsInFlight>().Count);
        Assert.Equal(HttpStatusCode.Created, (await Client.PostAsJsonAsync("/v1/orders", second, Cancel)).StatusCode);
    }

    [Fact]
    public async Task A_get_that_would_wait_beyond_the_waiting_limit_is_a_503_and_one_that_need_not_wait_is_answered()
    {
        var waiting = NewOrder();
        var held = Client.GetAsync($"/v1/orders/{waiting.Id}?timeout=60000", Cancel);
        await App.WaitUntilParkedAsync(waiting.Id, 1, Cancel);

        await AssertBusyAsync(await Client.GetAsync($"/v1/orders/{NewOrder().Id}?timeout=60000", Cancel));
        await AssertBusyAsync(await Client.GetAsync($"/v1/orders/{NewOrder().Id}/validated?timeout=60000", Cancel));
        // An order already in the view needs no waiter, so it is answered even now.
        var known = NewOrder();
        var delivery = await Client.PostAsync($"/events/{Topics.Orders}", CloudEvents.Wrap(known, Topics.Orders), Cancel);
        Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);
        Assert.Equal(known, await Client.GetFromJsonAsync<Order>($"/v1/orders/{known.Id}?timeout=60000", ContractsJson.Options, Cancel));

        // The held GET is still answered with its order, and its place is free again afterwards.
        delivery = await Client.PostAsync($"/events/{Topics.Orders}", CloudEvents.Wrap(waiting, Topics.Orders), Cancel);
        Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);
        Assert.Equal(waiting, await (await held).Content.ReadFromJsonAsync<Order>(ContractsJson.Options, Cancel));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/v1/orders/{NewOrder().Id}?timeout=10", Cancel)).StatusCode);
    }

    private static async Task AssertBusyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(Cancel);
        Assert.Equal(503, problem?.Status);
        Assert.False(string.IsNullOrEmpty(problem?.Detail));
    }
}
