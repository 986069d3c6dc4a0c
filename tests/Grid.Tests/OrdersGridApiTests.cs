using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using DaprOrders.Contracts;
using DaprOrders.Grid.View;
using DaprOrders.TestDoubles;

namespace DaprOrders.Grid.Tests;

public sealed class OrdersGridApiTests : IAsyncDisposable
{
    private readonly GridApplication _app = new();
    private readonly HttpClient _client;

    public OrdersGridApiTests() => _client = _app.CreateClient();

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<OrdersPage> GetPage(string query) =>
        (await _client.GetFromJsonAsync<OrdersPage>($"/api/orders{query}", ContractsJson.Options, Cancel))!;

    [Fact]
    public async Task A_page_is_the_requested_range_with_the_total()
    {
        await _app.View.ApplyAsync(TestOrders.Numbered("o", 250), Cancel);

        var page = await GetPage("?offset=200&limit=30");

        Assert.Equal((250L, 200L), (page.Total, page.Offset));
        Assert.Equal(Enumerable.Range(200, 30).Select(i => $"o-{i:D6}"), page.Rows.Select(row => row.OrderId));
    }

    [Fact]
    public async Task Without_parameters_the_first_hundred_rows_are_returned()
    {
        await _app.View.ApplyAsync(TestOrders.Numbered("o", 150), Cancel);

        var page = await GetPage("");

        Assert.Equal(0, page.Offset);
        Assert.Equal(100, page.Rows.Count);
    }

    [Fact]
    public async Task Rows_are_json_with_wire_names()
    {
        await _app.View.ApplyAsync(TestOrders.Created("o-json"), Cancel);

        var json = await _client.GetFromJsonAsync<JsonElement>("/api/orders", Cancel);

        var row = json.GetProperty("rows")[0];
        Assert.Equal("o-json", row.GetProperty("orderId").GetString());
        Assert.Equal("CREATED", row.GetProperty("state").GetString());
        Assert.Equal("JUMPERS", row.GetProperty("product").GetString());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("paymentAmount").ValueKind);
    }

    [Theory]
    [InlineData("?offset=-1", "offset")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=501", "limit")]
    [InlineData("?offset=-5&limit=1000", "offset")]
    public async Task Out_of_range_paging_is_a_validation_problem(string query, string field)
    {
        var response = await _client.GetAsync($"/api/orders{query}", Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Theory]
    [InlineData("?offset=abc")]
    [InlineData("?limit=ten")]
    public async Task Unreadable_paging_is_a_bad_request_problem(string query)
    {
        var response = await _client.GetAsync($"/api/orders{query}", Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_stream_starts_with_the_total_then_pushes_new_rows_and_customers()
    {
        await _app.View.ApplyAsync(TestOrders.Numbered("o", 3), Cancel);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        using var response = await _client.GetAsync("/api/orders/stream", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        await using var events = SseParser.Create(body).EnumerateAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        var reset = await NextAsync(events);
        Assert.Equal(("reset", 3), (reset.EventType, reset.Data.GetProperty("total").GetInt32()));

        await _client.PostAsync($"/events/{Topics.Orders}", CloudEvents.Wrap(TestOrders.Created("o-new", "c-5"), Topics.Orders), timeout.Token);
        var row = await NextAsync(events);
        Assert.Equal("row", row.EventType);
        Assert.Equal(4, row.Data.GetProperty("total").GetInt32());
        Assert.Equal(("o-new", 3), (row.Data.GetProperty("row").GetProperty("orderId").GetString(), row.Data.GetProperty("row").GetProperty("position").GetInt32()));

        await _client.PostAsync($"/events/{Topics.Customers}", CloudEvents.Wrap(TestOrders.Customer("c-5", "silver"), Topics.Customers), timeout.Token);
        var customer = await NextAsync(events);
        Assert.Equal(("customer", "c-5", "silver"),
            (customer.EventType, customer.Data.GetProperty("customerId").GetString(), customer.Data.GetProperty("customerLevel").GetString()));
    }

    private static async Task<(string EventType, JsonElement Data)> NextAsync(IAsyncEnumerator<SseItem<string>> events)
    {
        Assert.True(await events.MoveNextAsync());
        return (events.Current.EventType, JsonDocument.Parse(events.Current.Data).RootElement.Clone());
    }

    [Fact]
    public async Task The_page_and_its_script_are_served_from_the_root()
    {
        var html = await _client.GetAsync("/", Cancel);
        var script = await _client.GetAsync("/grid.js", Cancel);

        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Contains("id=\"viewport\"", await html.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("/api/orders/stream", await script.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }
}
