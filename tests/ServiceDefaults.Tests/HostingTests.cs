using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.Subscriptions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.TestHost;

namespace DaprOrders.ServiceDefaults.Tests;

public sealed record Ping(string Id, int Count);

/// <summary>A service built the way every DaprOrders service is, on an in-memory server, in Production.</summary>
public sealed class HostingTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        // A sidecar address where nothing listens: readiness must fail, liveness must not care.
        builder.Configuration["DAPR_HTTP_ENDPOINT"] = "http://127.0.0.1:1";
        builder.Configuration["DAPR_GRPC_ENDPOINT"] = "http://127.0.0.1:1";
        builder.AddServiceDefaults();
        _app = builder.Build();
        _app.MapServiceDefaults();
        _app.MapTopic("pings", (Ping ping) => ping.Count < 0 ? throw new InvalidOperationException("transient") : Delivery.Ack());
        _app.MapGet("/boom", IResult () => throw new InvalidOperationException("boom"));
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

    private static StringContent CloudEvent(string dataJson) =>
        new($$"""{"specversion":"1.0","id":"1","source":"test","type":"com.dapr.event.sent","datacontenttype":"application/json","data":{{dataJson}}}""",
            Encoding.UTF8, "application/cloudevents+json");

    [Fact]
    public async Task Liveness_is_healthy_without_a_sidecar()
    {
        var response = await _client.GetAsync("/healthz", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readiness_reports_a_missing_sidecar()
    {
        var response = await _client.GetAsync("/readyz", Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task A_topic_is_declared_with_its_route_and_dead_letter_topic()
    {
        var subscriptions = await _client.GetFromJsonAsync<JsonElement[]>("/dapr/subscribe", Cancel);

        var subscription = Assert.Single(subscriptions!);
        Assert.Equal(DaprComponents.PubSub, subscription.GetProperty("pubsubName").GetString());
        Assert.Equal("pings", subscription.GetProperty("topic").GetString());
        Assert.Equal("events/pings", subscription.GetProperty("route").GetString());
        Assert.Equal(Topics.DeadLetter, subscription.GetProperty("deadLetterTopic").GetString());
    }

    [Fact]
    public async Task A_handled_message_is_acknowledged()
    {
        var response = await _client.PostAsync("/events/pings", CloudEvent("""{"id":"p","count":1}"""), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("SUCCESS", (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_unreadable_message_is_dropped()
    {
        var response = await _client.PostAsync("/events/pings", CloudEvent("""{"id":"p","count":"lots"}"""), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DROP", (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_failing_handler_answers_500_so_dapr_retries()
    {
        var response = await _client.PostAsync("/events/pings", CloudEvent("""{"id":"p","count":-1}"""), Cancel);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Fact]
    public async Task A_body_with_a_wrongly_typed_field_is_a_problem_naming_the_field_not_our_types()
    {
        var response = await _client.PostAsync("/pings", new StringContent("""{"id":"p","count":"lots"}""", Encoding.UTF8, "application/json"), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Contains("'count'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(Ping), problem.GetRawText(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("errors").TryGetProperty("count", out _));
    }

    [Fact]
    public async Task Malformed_json_is_a_problem_too()
    {
        var response = await _client.PostAsync("/pings", new StringContent("""{"id":""", Encoding.UTF8, "application/json"), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.StartsWith("The body is not valid JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(problem.TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task Unhandled_errors_are_problem_details_without_internals()
    {
        var response = await _client.GetAsync("/boom", Cancel);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(Cancel);
        Assert.DoesNotContain("boom", problem!.Detail ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_routes_are_problem_details()
    {
        var response = await _client.GetAsync("/nowhere", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
