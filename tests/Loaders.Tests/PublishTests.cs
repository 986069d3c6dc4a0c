using System.Net;

namespace DaprOrders.Loaders.Tests;

/// <summary>
/// stock and customers commands publish through the Dapr HTTP API of the loader's sidecar.
/// </summary>
public sealed class PublishTests
{
    private readonly LoadersHarness _loaders = new();

    [Fact]
    public async Task Stock_add_publishes_the_stock_level_keyed_by_product()
    {
        var run = await _loaders.RunAsync("stock", "add", "--product", "jumpers", "--quantity", "10");

        Assert.Equal(0, run.ExitCode);
        var request = Assert.Single(_loaders.Http.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://localhost:3500/v1.0/publish/pubsub/warehouse-inventory?metadata.partitionKey=JUMPERS", request.Uri.AbsoluteUri);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("""{"product":"JUMPERS","quantity":10}""", request.Body);
        Assert.False(request.Headers.ContainsKey("dapr-api-token"));
        Assert.Equal("stock: JUMPERS = 10 published to 'warehouse-inventory' (key JUMPERS)", Assert.Single(run.OutLines));
    }

    [Fact]
    public async Task The_sidecar_port_and_api_token_come_from_the_standard_dapr_variables()
    {
        _loaders.Environment["DAPR_HTTP_PORT"] = "3601";
        _loaders.Environment["DAPR_API_TOKEN"] = "s3cret";

        var run = await _loaders.RunAsync("stock", "add", "--product", "STOCKINGS", "--quantity", "0");

        Assert.Equal(0, run.ExitCode);
        var request = Assert.Single(_loaders.Http.Requests);
        Assert.Equal("http://localhost:3601/v1.0/publish/pubsub/warehouse-inventory?metadata.partitionKey=STOCKINGS", request.Uri.AbsoluteUri);
        Assert.Equal("s3cret", request.Headers["dapr-api-token"]);
        Assert.Equal("""{"product":"STOCKINGS","quantity":0}""", request.Body);
    }

    [Fact]
    public async Task Dapr_url_option_wins_over_the_environment()
    {
        _loaders.Environment["DAPR_HTTP_PORT"] = "3601";

        var run = await _loaders.RunAsync("stock", "add", "--product", "UNDERPANTS", "--quantity", "5", "--dapr-url", "http://sidecar.local:3500/");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("http://sidecar.local:3500/v1.0/publish/pubsub/warehouse-inventory?metadata.partitionKey=UNDERPANTS", Assert.Single(_loaders.Http.Requests).Uri.AbsoluteUri);
    }

    [Fact]
    public async Task Customers_add_publishes_the_customer_keyed_by_id()
    {
        var run = await _loaders.RunAsync(
            "customers", "add", "--id", "c 42", "--first", "Ada", "--last", "Lovelace", "--email", "ada@example.com",
            "--address", "1 Mill Lane, Leeds", "--level", "Gold");

        Assert.Equal(0, run.ExitCode);
        var request = Assert.Single(_loaders.Http.Requests);
        Assert.Equal("/v1.0/publish/pubsub/customers?metadata.partitionKey=c%2042", request.PathAndQuery);
        Assert.Equal(
            """{"id":"c 42","firstName":"Ada","lastName":"Lovelace","email":"ada@example.com","address":"1 Mill Lane, Leeds","level":"gold"}""",
            request.Body);
        Assert.Equal("customers: c 42 (Ada Lovelace, gold) published to 'customers'", Assert.Single(run.OutLines));
    }

    [Fact]
    public async Task Customers_generate_publishes_numbered_customers_whose_levels_take_turns()
    {
        var run = await _loaders.RunAsync("customers", "generate", "--count", "5", "--id-prefix", "k-");

        Assert.Equal(0, run.ExitCode);
        var requests = _loaders.Http.Requests;
        Assert.Equal(
            ["k-1", "k-2", "k-3", "k-4", "k-5"],
            requests.Select(r => Uri.UnescapeDataString(r.Uri.Query["?metadata.partitionKey=".Length..])));
        Assert.All(requests, r => Assert.Equal("/v1.0/publish/pubsub/customers", r.Uri.AbsolutePath));
        Assert.Equal(
            """{"id":"k-1","firstName":"Ada","lastName":"Lovelace","email":"ada.lovelace.1@example.com","address":"1 Mill Lane, Leeds","level":"platinum"}""",
            requests[0].Body);
        Assert.Contains("\"level\":\"gold\"", requests[1].Body, StringComparison.Ordinal);
        Assert.Contains("\"level\":\"platinum\"", requests[4].Body, StringComparison.Ordinal);
        Assert.StartsWith("customers: 5 of 5 published to 'customers' in ", run.OutLines[0], StringComparison.Ordinal);
        Assert.EndsWith(", 0 failed; ids k-1 .. k-5", run.OutLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Customers_generate_counts_refusals_by_reason_and_exits_with_1()
    {
        _loaders.Http.Respond = request => Task.FromResult(request.Body.Contains("\"id\":\"c-2\"", StringComparison.Ordinal)
            ? FakeHttp.Json(HttpStatusCode.InternalServerError, """{"errorCode":"ERR_PUBSUB_PUBLISH_MESSAGE","message":"broker down"}""")
            : FakeHttp.Default(request));

        var run = await _loaders.RunAsync("customers", "generate", "--count", "3");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("customers: 2 of 3 published", run.OutLines[0], StringComparison.Ordinal);
        Assert.Contains("1× customer: 500 Internal Server Error: ERR_PUBSUB_PUBLISH_MESSAGE broker down", run.OutLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_publish_is_explained_without_a_stack_trace()
    {
        _loaders.Http.Respond = _ => Task.FromResult(FakeHttp.Json(
            HttpStatusCode.Forbidden, """{"errorCode":"ERR_PUBSUB_FORBIDDEN","message":"topic warehouse-inventory is not allowed for app id orders"}"""));

        var run = await _loaders.RunAsync("stock", "add", "--product", "JUMPERS", "--quantity", "3");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            "loaders: Publishing to 'warehouse-inventory' failed: 403 Forbidden: ERR_PUBSUB_FORBIDDEN topic warehouse-inventory is not allowed for app id orders",
            Assert.Single(run.ErrorLines));
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task An_unreachable_sidecar_is_named_without_a_stack_trace()
    {
        _loaders.UseRealHttp = true;
        var port = LoadersHarness.ClosedPort();

        var run = await _loaders.RunAsync("customers", "add", "--id", "c-1", "--first", "A", "--last", "B", "--email", "a@b", "--level", "silver", "--dapr-url", $"http://127.0.0.1:{port}");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"loaders: Cannot reach the Dapr sidecar at http://127.0.0.1:{port}: ", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }
}
