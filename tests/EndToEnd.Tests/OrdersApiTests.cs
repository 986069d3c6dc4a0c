using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DaprOrders.Contracts;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>
/// The orders REST API's contract at the edges: bad input, re-posts, ids reused, waits that run out.
/// </summary>
[Collection(SharedOrderSystem.Name)]
public sealed class OrdersApiTests(OrderSystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OrderSystem System => fixture.System;

    [Theory]
    [InlineData("zero quantity", """{"id":"ID","customerId":"CUSTOMER","product":"JUMPERS","quantity":0,"price":10}""")]
    [InlineData("negative quantity", """{"id":"ID","customerId":"CUSTOMER","product":"JUMPERS","quantity":-1,"price":10}""")]
    [InlineData("negative price", """{"id":"ID","customerId":"CUSTOMER","product":"JUMPERS","quantity":1,"price":-0.01}""")]
    [InlineData("unknown product", """{"id":"ID","customerId":"CUSTOMER","product":"SOCKS","quantity":1,"price":10}""")]
    [InlineData("missing customer", """{"id":"ID","product":"JUMPERS","quantity":1,"price":10}""")]
    [InlineData("invalid customer id", """{"id":"ID","customerId":"CUSTOMER has spaces!","product":"JUMPERS","quantity":1,"price":10}""")]
    [InlineData("missing price", """{"id":"ID","customerId":"CUSTOMER","product":"JUMPERS","quantity":1}""")]
    [InlineData("state other than CREATED", """{"id":"ID","customerId":"CUSTOMER","state":"VALIDATED","product":"JUMPERS","quantity":1,"price":10}""")]
    [InlineData("wrong type", """{"id":"ID","customerId":"CUSTOMER","product":"JUMPERS","quantity":"one","price":10}""")]
    [InlineData("malformed JSON", """{"id":"ID","customerId":"CUSTOMER","product":"JUMPERS","quantity":1,"price":10""")]
    public async Task Bad_order_is_a_400_problem_and_stores_and_publishes_nothing(string why, string template)
    {
        var id = TestIds.New("order");
        var customer = TestIds.New("customer");

        using var response = await PostRawAsync(template.Replace("CUSTOMER", customer, StringComparison.Ordinal).Replace("ID", id, StringComparison.Ordinal));

        await AssertProblemAsync(HttpStatusCode.BadRequest, response, why);
        using var get = await System.Orders.GetAsync(new Uri($"v1/orders/{id}?timeout=500", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        await AssertNothingPublishedAboutAsync(id, customer);
        // Nothing is kept under the id either: a valid order may still take it (a kept one would make this a 409).
        await System.Orders.CreateOrderAsync(new Order(id, customer, OrderState.Created, Product.Jumpers, 1, 10m), Ct);
    }

    [Fact]
    public async Task Order_with_an_invalid_id_is_a_400_problem_and_publishes_nothing()
    {
        var customer = TestIds.New("customer");
        var order = new Order($"not an id {Guid.NewGuid():N}", customer, OrderState.Created, Product.Jumpers, 1, 10m);

        using var response = await System.Orders.PostOrderAsync(order, Ct);

        await AssertProblemAsync(HttpStatusCode.BadRequest, response, "invalid order id");
        await AssertNothingPublishedAboutAsync(order.Id, customer);
    }

    [Fact]
    public async Task Reposting_an_order_gives_the_same_answer_and_creates_it_once()
    {
        await System.SetStockAsync(Product.Jumpers, 1_000_000, Ct);
        var order = new Order(TestIds.New("order"), TestIds.New("customer"), OrderState.Created, Product.Jumpers, 3, 30m);

        var first = await PostAndReadAsync(order);
        var again = await PostAndReadAsync(order);
        var decided = await System.Orders.GetDecidedOrderAsync(order.Id, Ct);
        var afterDecision = await PostAndReadAsync(order);

        Assert.Equal(first, again);
        Assert.Equal(first, afterDecision);
        Assert.Equal(order, first.Body);
        Assert.Equal($"/v1/orders/{order.Id}", first.Location);
        Assert.Equal(OrderState.Validated, decided.State);
        var events = await EventsAboutAsync(order.Id);
        Assert.Single(events, e => (string?)e["state"] == "CREATED");
    }

    [Fact]
    public async Task Same_order_id_with_other_content_is_a_409_problem_and_keeps_the_first_order()
    {
        var order = new Order(TestIds.New("order"), TestIds.New("customer"), OrderState.Created, Product.Jumpers, 1, 10m);
        await System.Orders.CreateOrderAsync(order, Ct);

        using var response = await System.Orders.PostOrderAsync(order with { Quantity = 2 }, Ct);

        await AssertProblemAsync(HttpStatusCode.Conflict, response, "same id, other quantity");
        using var get = await System.Orders.GetAsync(new Uri($"v1/orders/{order.Id}?timeout={OrdersHttp.MaxWaitMs}", UriKind.Relative), Ct);
        var stored = await get.Content.ReadFromJsonAsync<Order>(ContractsJson.Options, Ct);
        Assert.Equal(order.Quantity, stored?.Quantity);
        Assert.All(await EventsAboutAsync(order.Id), e => Assert.Equal(order.Quantity, (int?)e["quantity"]));
    }

    [Theory]
    [InlineData("v1/orders/{0}?timeout=500")]
    [InlineData("v1/orders/{0}/validated?timeout=500")]
    public async Task Get_of_an_unknown_order_waits_for_the_timeout_then_is_a_404_problem(string route)
    {
        var id = TestIds.New("unknown");
        var clock = Stopwatch.StartNew();

        using var response = await System.Orders.GetAsync(new Uri(string.Format(CultureInfo.InvariantCulture, route, id), UriKind.Relative), Ct);

        clock.Stop();
        await AssertProblemAsync(HttpStatusCode.NotFound, response, route);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(450), $"Answered after {clock.Elapsed}, before the 500 ms timeout.");
        // The default wait is 10 s: an answer well before it shows the timeout asked for was used.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(9), $"Answered after {clock.Elapsed}, not at the 500 ms timeout.");
    }

    [Fact]
    public async Task An_order_body_over_16_KiB_is_a_413_problem_and_publishes_nothing()
    {
        var id = TestIds.New("order");
        var customer = TestIds.New("customer");
        // A valid order padded with whitespace: only its size is wrong.
        var json = $$"""{"id":"{{id}}","customerId":"{{customer}}","product":"JUMPERS","quantity":1,"price":10{{new string(' ', 16 * 1024)}}}""";

        using var response = await PostRawAsync(json);

        await AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, response, "16 KiB of order");
        await AssertNothingPublishedAboutAsync(id, customer);
    }

    [Theory]
    [InlineData("headers over 32 KiB in all", 4, 9 * 1024, HttpStatusCode.RequestHeaderFieldsTooLarge)]
    [InlineData("more than 100 headers", 101, 8, HttpStatusCode.RequestHeaderFieldsTooLarge)]
    public async Task Requests_past_the_header_limits_are_refused_before_they_reach_the_api(string why, int count, int size, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"v1/orders/{TestIds.New("order")}?timeout=0", UriKind.Relative));
        for (var i = 0; i < count; i++)
        {
            request.Headers.Add($"x-padding-{i}", new string('a', size));
        }

        using var response = await System.Orders.SendAsync(request, Ct);

        Assert.True(response.StatusCode == expected, $"{why}: got {(int)response.StatusCode}");
    }

    [Fact]
    public async Task A_request_line_over_8_KiB_is_a_414()
    {
        using var response = await System.Orders.GetAsync(new Uri($"v1/orders/o-1?timeout=0&padding={new string('a', 8 * 1024)}", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
    }

    private async Task<HttpResponseMessage> PostRawAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await System.Orders.PostAsync(new Uri("v1/orders", UriKind.Relative), content, Ct);
    }

    private async Task<(HttpStatusCode Status, string? Location, Order? Body)> PostAndReadAsync(Order order)
    {
        using var response = await System.Orders.PostOrderAsync(order, Ct);
        return (response.StatusCode, response.Headers.Location?.OriginalString, await response.Content.ReadFromJsonAsync<Order>(ContractsJson.Options, Ct));
    }

    private static async Task AssertProblemAsync(HttpStatusCode expected, HttpResponseMessage response, string why)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{why}: expected {(int)expected}, got {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, (int?)JsonNode.Parse(body)?["status"]);
    }

    /// <summary>
    /// The events on the orders topic about one order (the orders service keys them by order id).
    /// </summary>
    private async Task<List<JsonNode>> EventsAboutAsync(string orderId) =>
        [.. (await System.Kafka.ReadAsync(Topics.Orders, Ct)).Where(r => r.Key == orderId).Select(r => r.Data!)];

    private async Task AssertNothingPublishedAboutAsync(string orderId, string customerId)
    {
        // A rejected POST is answered after anything it would have published, so the topic can be read right away.
        var records = await System.Kafka.ReadAsync(Topics.Orders, Ct);
        Assert.DoesNotContain(records, r => r.Key == orderId || (string?)r.Data?["id"] == orderId || (string?)r.Data?["customerId"] == customerId);
    }
}
