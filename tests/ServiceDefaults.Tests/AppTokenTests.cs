using System.Net;
using System.Net.Http.Json;
using System.Text;
using DaprOrders.ServiceDefaults.Security;
using DaprOrders.ServiceDefaults.Subscriptions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.TestHost;

namespace DaprOrders.ServiceDefaults.Tests;

/// <summary>
/// With APP_API_TOKEN set, the routes only the sidecar calls need the token; the public and health routes do not.
/// </summary>
public sealed class AppTokenTests : IAsyncLifetime
{
    private const string Token = "the-app-token";
    private readonly List<Ping> _handled = [];
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Configuration["DAPR_HTTP_ENDPOINT"] = "http://127.0.0.1:1";
        builder.Configuration["DAPR_GRPC_ENDPOINT"] = "http://127.0.0.1:1";
        builder.Configuration[DaprAppToken.ConfigurationKey] = Token;
        builder.AddServiceDefaults();
        _app = builder.Build();
        _app.MapServiceDefaults();
        _app.MapTopic("pings", (Ping ping) =>
        {
            _handled.Add(ping);
            return Delivery.Ack();
        });
        _app.MapPost("/pings", (Ping ping) => TypedResults.Ok(ping));
        await _app.StartAsync(TestContext.Current.CancellationToken);
        _client = _app.GetTestClient();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static HttpRequestMessage PingDelivery(string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/events/pings")
        {
            Content = new StringContent("""{"specversion":"1.0","id":"1","source":"test","type":"com.dapr.event.sent","datacontenttype":"application/json","data":{"id":"p-1","count":1}}""",
                Encoding.UTF8, "application/cloudevents+json"),
        };
        if (token is not null)
        {
            request.Headers.Add(DaprAppToken.Header, token);
        }

        return request;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("the-app-tokem")]
    [InlineData("the-app-token-and-more")]
    public async Task A_delivery_without_the_token_is_refused_with_a_401_problem_and_not_handled(string? token)
    {
        using var response = await _client.SendAsync(PingDelivery(token), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(Cancel);
        Assert.Equal(401, problem?.Status);
        Assert.Empty(_handled);
    }

    [Fact]
    public async Task A_delivery_with_the_token_is_handled()
    {
        using var response = await _client.SendAsync(PingDelivery(Token), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([new Ping("p-1", 1)], _handled);
    }

    [Theory]
    [InlineData("/dapr/subscribe")]
    [InlineData("/dapr/config")]
    [InlineData("/actors/SomeActor/a-1/method/Do")]
    [InlineData("/Events/pings")]
    public async Task Every_sidecar_route_needs_the_token(string path)
    {
        using var without = await _client.GetAsync(path, Cancel);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(DaprAppToken.Header, Token);
        using var with = await _client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.NotEqual(HttpStatusCode.Unauthorized, with.StatusCode);
    }

    [Fact]
    public async Task Health_and_public_routes_need_no_token()
    {
        using var health = await _client.GetAsync("/healthz", Cancel);
        using var api = await _client.PostAsJsonAsync("/pings", new Ping("p-2", 2), Cancel);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }
}
