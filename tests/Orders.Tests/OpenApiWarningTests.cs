using System.Net;
using System.Net.Http.Json;
using DaprOrders.Contracts;
using DaprOrders.TestDoubles;
using Microsoft.Extensions.Logging;

namespace DaprOrders.Orders.Tests;

/// <summary>With neither an authority nor a signing key configured, the API is open and says so once at start-up.</summary>
public sealed class OpenApiWarningTests
{
    [Fact]
    public async Task Without_authentication_configured_anyone_may_post_and_one_warning_says_the_api_is_open()
    {
        await using var runtime = await WorkflowRuntime.StartAsync();
        var logs = new RecordingLoggerProvider();
        await using var app = new OrdersApplication(runtime.Sidecars[0], logs: logs);
        using var client = app.CreateClient();

        using var post = await client.PostAsJsonAsync("/v1/orders",
            new Order($"o-{Guid.NewGuid():N}", "someone-else", OrderState.Created, Product.Jumpers, 1, 1m), ContractsJson.Options,
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("/v1/orders is open", StringComparison.Ordinal));
        Assert.Contains("Auth:Authority", warning.Message, StringComparison.Ordinal);
    }
}
