using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapr.Client;

namespace DaprOrders.LocalDapr.Tests;

// The SDK marks its invocation methods obsolete ("use a native HTTP or gRPC client") but ships them; apps still call
// them, so the local runtime must answer them as daprd does.
#pragma warning disable CS0618

/// <summary>
/// Service invocation over HTTP, driven by the real SDK (DaprClient.InvokeMethodAsync, the HttpClient of
/// DaprClient.CreateInvokeHttpClient) and by plain HTTP: verbs, paths, query strings, headers, bodies and status
/// codes pass through both ways; the `dapr-app-id` forms; daprd's errors; instances taken in turn.
/// </summary>
public sealed class InvocationHttpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sdk_invoke_passes_verb_path_query_headers_and_body_and_returns_the_answer_unchanged()
    {
        await using var runtime = await TestRuntime.StartAsync();
        var (app, _) = await InvocationTestApp.StartAsync(runtime, "target", appApiToken: "app-secret");
        await using var _ = app;
        using var dapr = TestRuntime.ClientFor(await runtime.StartSidecarAsync("caller"));

        using var request = dapr.CreateInvokeMethodRequest(HttpMethod.Put, "target", "echo/items/7", [new("size", "10"), new("tag", "a b")], new { quantity = 3 });
        request.Headers.Add("x-order", "o-1");
        request.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        using var response = await dapr.InvokeMethodWithResponseAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("x-echo").Single());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var seen = RecordedRequest.FromJson(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("PUT", seen.Method);
        Assert.Equal("/echo/items/7", seen.Path);
        Assert.Equal("?size=10&tag=a%20b", seen.Query);
        Assert.Equal("""{"quantity":3}""", seen.Body);
        Assert.StartsWith("application/json", seen.ContentType, StringComparison.Ordinal);
        Assert.Equal("o-1", seen.Headers["x-order"]);
        Assert.Equal("caller", seen.Headers["dapr-caller-app-id"]);
        Assert.Equal("target", seen.Headers["dapr-callee-app-id"]);
        Assert.Equal("default", seen.Headers["dapr-caller-namespace"]);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", seen.Headers["traceparent"]);
        Assert.Equal("app-secret", seen.Headers["dapr-api-token"]);
        Assert.Contains("for=127.0.0.1", seen.Headers["forwarded"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_http_client_gets_the_apps_status_headers_and_body_for_every_verb()
    {
        await using var runtime = await TestRuntime.StartAsync();
        var (app, _) = await InvocationTestApp.StartAsync(runtime, "target");
        await using var _ = app;
        var caller = await runtime.StartSidecarAsync("caller");
        using var http = DaprClient.CreateInvokeHttpClient("target", $"http://127.0.0.1:{caller.HttpPort}");

        foreach (var verb in new[] { HttpMethod.Get, HttpMethod.Post, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options, HttpMethod.Head })
        {
            using var response = await http.SendAsync(new HttpRequestMessage(verb, "/echo/verb"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(verb.Method, app.Requests.Last().Method);
        }

        using var teapot = await http.GetAsync(new Uri("/status/418", UriKind.Relative), Ct);
        Assert.Equal((HttpStatusCode)418, teapot.StatusCode);
        Assert.Equal("status 418", await teapot.Content.ReadAsStringAsync(Ct));

        using var missing = await http.DeleteAsync(new Uri("/status/404", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("status 404", await missing.Content.ReadAsStringAsync(Ct));

        // daprd's app channel follows no redirect: the caller gets the 302.
        using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var redirect = await plain.GetAsync(new Uri($"http://127.0.0.1:{caller.HttpPort}/v1.0/invoke/target/method/redirect"), Ct);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.DoesNotContain(app.Requests, r => r.Path == "/echo/redirected");
    }

    [Fact]
    public async Task Sdk_invoke_of_a_failing_method_throws_InvocationException_with_the_apps_response()
    {
        await using var runtime = await TestRuntime.StartAsync();
        var (app, _) = await InvocationTestApp.StartAsync(runtime, "target");
        await using var _ = app;
        using var dapr = TestRuntime.ClientFor(await runtime.StartSidecarAsync("caller"));

        var error = await Assert.ThrowsAsync<InvocationException>(() => dapr.InvokeMethodAsync(HttpMethod.Get, "target", "status/409", Ct));

        Assert.Equal(HttpStatusCode.Conflict, error.Response?.StatusCode);
        Assert.Equal("status 409", await error.Response!.Content.ReadAsStringAsync(Ct));
        Assert.Single(app.Requests); // no resiliency policy: attempted once, the app's answer is final
    }

    [Fact]
    public async Task Dapr_app_id_header_or_basic_auth_routes_any_path_and_the_header_is_not_forwarded()
    {
        await using var runtime = await TestRuntime.StartAsync();
        var (app, _) = await InvocationTestApp.StartAsync(runtime, "target");
        await using var _ = app;
        using var sidecar = TestRuntime.SidecarHttp(await runtime.StartSidecarAsync("caller"));

        using var byHeader = new HttpRequestMessage(HttpMethod.Post, "echo/by-header?x=1") { Content = new StringContent("hi") };
        byHeader.Headers.Add("dapr-app-id", "target");
        using var headerAnswer = await sidecar.SendAsync(byHeader, Ct);

        using var byBasicAuth = new HttpRequestMessage(HttpMethod.Get, "echo/by-basic-auth");
        byBasicAuth.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("dapr-app-id:target")));
        using var basicAnswer = await sidecar.SendAsync(byBasicAuth, Ct);

        Assert.Equal(HttpStatusCode.OK, headerAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, basicAnswer.StatusCode);
        var requests = app.Requests.ToList();
        Assert.Equal(["/echo/by-header", "/echo/by-basic-auth"], requests.Select(r => r.Path));
        Assert.Equal("?x=1", requests[0].Query);
        Assert.Equal("hi", requests[0].Body);
        Assert.False(requests[0].Headers.ContainsKey("dapr-app-id"));
    }

    [Fact]
    public async Task Unknown_app_id_and_missing_app_id_give_daprds_errors()
    {
        await using var runtime = await TestRuntime.StartAsync();
        using var sidecar = TestRuntime.SidecarHttp(await runtime.StartSidecarAsync("caller"));

        using var unknown = await sidecar.PostAsync(new Uri("v1.0/invoke/nobody/method/anything", UriKind.Relative), new StringContent("{}"), Ct);
        using var noAppId = await sidecar.GetAsync(new Uri("v1.0/no-such-api", UriKind.Relative), Ct);
        using var badId = await sidecar.GetAsync(new Uri("v1.0/invoke/a.b.c/method/x", UriKind.Relative), Ct);
        using var forbidden = await sidecar.GetAsync(new Uri("v1.0/invoke/caller/method/a%3Fb", UriKind.Relative), Ct);

        await AssertDaprErrorAsync(unknown, HttpStatusCode.InternalServerError, "failed to invoke, id: nobody, err: couldn't find service: nobody");
        await AssertDaprErrorAsync(noAppId, HttpStatusCode.NotFound, "failed getting app id either from the URL path or the header dapr-app-id");
        await AssertDaprErrorAsync(badId, HttpStatusCode.InternalServerError, "failed to invoke, id: a.b.c, err: invalid app id a.b.c");
        await AssertDaprErrorAsync(forbidden, HttpStatusCode.InternalServerError,
            "failed to invoke, id: caller, err: rpc error: code = InvalidArgument desc = invalid method: method contains forbidden character: \"a?b\"");
    }

    [Fact]
    public async Task Sidecar_without_an_app_and_a_stopped_app_fail_at_the_app_channel()
    {
        await using var runtime = await TestRuntime.StartAsync();
        var (app, target) = await InvocationTestApp.StartAsync(runtime, "target");
        using var sidecar = TestRuntime.SidecarHttp(await runtime.StartSidecarAsync("caller"));

        using var self = await sidecar.GetAsync(new Uri("v1.0/invoke/caller/method/x", UriKind.Relative), Ct);
        await app.DisposeAsync();
        using var down = await sidecar.GetAsync(new Uri("v1.0/invoke/target.default/method/echo/x", UriKind.Relative), Ct);

        await AssertDaprErrorAsync(self, HttpStatusCode.InternalServerError, "failed to invoke, id: caller, err: cannot invoke local endpoint: app channel not initialized");
        var body = await AssertDaprErrorAsync(down, HttpStatusCode.InternalServerError, null);
        Assert.StartsWith("failed to invoke, id: target.default, err: rpc error: code = Internal desc = error invoking app channel:", body, StringComparison.Ordinal);
        Assert.NotNull(target);
    }

    [Fact]
    public async Task Instances_of_an_app_id_take_calls_in_turn()
    {
        await using var runtime = await TestRuntime.StartAsync();
        var (first, _) = await InvocationTestApp.StartAsync(runtime, "target");
        var (second, _) = await InvocationTestApp.StartAsync(runtime, "target");
        await using var a = first;
        await using var b = second;
        using var dapr = TestRuntime.ClientFor(await runtime.StartSidecarAsync("caller"));

        for (var i = 0; i < 6; i++)
        {
            using var response = await dapr.InvokeMethodWithResponseAsync(dapr.CreateInvokeMethodRequest(HttpMethod.Get, "target", "echo/turn"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(3, first.Requests.Count);
        Assert.Equal(3, second.Requests.Count);
    }

    /// <summary>
    /// Asserts daprd's `{"errorCode":"ERR_DIRECT_INVOKE","message":...}` and returns the message.
    /// </summary>
    internal static async Task<string> AssertDaprErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? message)
    {
        Assert.Equal(status, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("ERR_DIRECT_INVOKE", body.RootElement.GetProperty("errorCode").GetString());
        var text = body.RootElement.GetProperty("message").GetString()!;
        if (message is not null)
        {
            Assert.Equal(message, text);
        }

        return text;
    }
}
