using System.Net;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// What the Configuration's access control and the caller's Resiliency resource do to an invocation: a denied call
/// is daprd's 403 and never reaches the app; retries, per-attempt timeouts and circuit breakers as daprd applies them.
/// </summary>
public sealed class InvocationPolicyTests
{
    private const string AccessControlYaml = """
        apiVersion: dapr.io/v1alpha1
        kind: Configuration
        metadata:
          name: acl
        spec:
          accessControl:
            defaultAction: deny
            trustDomain: public
            policies:
              - appId: trusted
                defaultAction: deny
                trustDomain: public
                namespace: default
                operations:
                  - name: /echo/orders/**
                    httpVerb: ["GET", "POST"]
                    action: allow
                  - name: /echo/admin
                    httpVerb: ["*"]
                    action: deny
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Access_control_lets_only_the_allowed_caller_verb_and_operation_through()
    {
        await using var runtime = await TestRuntime.StartAsync(("config.yaml", AccessControlYaml));
        var (app, target) = await InvocationTestApp.StartAsync(runtime, "target");
        await using var _ = app;
        using var trusted = TestRuntime.SidecarHttp(await runtime.StartSidecarAsync("trusted"));
        using var stranger = TestRuntime.SidecarHttp(await runtime.StartSidecarAsync("stranger"));
        using var self = TestRuntime.SidecarHttp(target);

        using var allowed = await trusted.PostAsync(new Uri("v1.0/invoke/target/method/echo/ORDERS/42", UriKind.Relative), new StringContent("{}"), Ct);
        using var wrongVerb = await trusted.DeleteAsync(new Uri("v1.0/invoke/target/method/echo/orders/42", UriKind.Relative), Ct);
        using var denied = await trusted.GetAsync(new Uri("v1.0/invoke/target/method/echo/admin", UriKind.Relative), Ct);
        using var otherCaller = await stranger.GetAsync(new Uri("v1.0/invoke/target/method/echo/orders/42", UriKind.Relative), Ct);
        using var ownApp = await self.GetAsync(new Uri("v1.0/invoke/target/method/echo/admin", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownApp.StatusCode); // a sidecar's call to its own app is never checked
        await InvocationHttpTests.AssertDaprErrorAsync(wrongVerb, HttpStatusCode.Forbidden,
            "failed to invoke, id: target, err: rpc error: code = PermissionDenied desc = access control policy has denied access to id: spiffe://public/ns/default/trusted operation: echo/orders/42 verb: DELETE");
        await InvocationHttpTests.AssertDaprErrorAsync(denied, HttpStatusCode.Forbidden, null);
        await InvocationHttpTests.AssertDaprErrorAsync(otherCaller, HttpStatusCode.Forbidden,
            "failed to invoke, id: target, err: rpc error: code = PermissionDenied desc = access control policy has denied access to id: spiffe://public/ns/default/stranger operation: echo/orders/42 verb: GET");
        Assert.Equal(["/echo/ORDERS/42", "/echo/admin"], app.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task Retry_policy_replays_the_call_until_the_app_answers_and_matching_limits_what_is_retried()
    {
        await using var runtime = await TestRuntime.StartAsync(("resiliency.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: invoke
            spec:
              policies:
                retries:
                  quick:
                    policy: constant
                    duration: 10ms
                    maxRetries: 3
                    matching:
                      httpStatusCodes: "500-599"
              targets:
                apps:
                  target:
                    retry: quick
            """));
        var (app, _) = await InvocationTestApp.StartAsync(runtime, "target");
        await using var _ = app;
        using var caller = TestRuntime.SidecarHttp(await runtime.StartSidecarAsync("caller"));

        using var recovered = await caller.PostAsync(new Uri("v1.0/invoke/target/method/fail/a/2", UriKind.Relative), new StringContent("same body"), Ct);
        using var exhausted = await caller.PostAsync(new Uri("v1.0/invoke/target/method/fail/b/9", UriKind.Relative), new StringContent("x"), Ct);
        using var notMatched = await caller.GetAsync(new Uri("v1.0/invoke/target/method/status/404", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Equal("attempt 3", await recovered.Content.ReadAsStringAsync(Ct));
        Assert.All(app.Requests.Where(r => r.Path == "/fail/a/2"), r => Assert.Equal("same body", r.Body));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, exhausted.StatusCode);
        Assert.Equal("attempt 4", await exhausted.Content.ReadAsStringAsync(Ct)); // the last answer, unchanged
        Assert.Equal(HttpStatusCode.NotFound, notMatched.StatusCode);
        Assert.Single(app.Requests, r => r.Path == "/status/404");
    }

    [Fact]
    public async Task Timeout_is_per_attempt_and_gives_daprds_error()
    {
        await using var runtime = await TestRuntime.StartAsync(("resiliency.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: invoke
            spec:
              policies:
                timeouts:
                  short: 2s
                retries:
                  twice:
                    policy: constant
                    duration: 10ms
                    maxRetries: 1
              targets:
                apps:
                  target:
                    timeout: short
                    retry: twice
            """));
        var (app, _) = await InvocationTestApp.StartAsync(runtime, "target");
        await using var _ = app;
        using var caller = TestRuntime.SidecarHttp(await runtime.StartSidecarAsync("caller"));

        using var response = await caller.GetAsync(new Uri("v1.0/invoke/target/method/slow", UriKind.Relative), Ct);

        await InvocationHttpTests.AssertDaprErrorAsync(response, HttpStatusCode.InternalServerError, "failed to invoke, id: target, err: context deadline exceeded");
        // Each attempt reached the app well within its 2 s (a shorter timeout could end before a loaded machine
        // schedules the app's handler at all).
        Assert.Equal(2, app.Requests.Count(r => r.Path == "/slow"));
    }

    [Fact]
    public async Task Circuit_breaker_opens_after_the_trip_and_refuses_calls_without_reaching_the_app()
    {
        await using var runtime = await TestRuntime.StartAsync(("resiliency.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: invoke
            spec:
              policies:
                circuitBreakers:
                  fragile:
                    maxRequests: 1
                    timeout: 1h
                    trip: consecutiveFailures >= 2
              targets:
                apps:
                  target:
                    circuitBreaker: fragile
            """));
        var (app, _) = await InvocationTestApp.StartAsync(runtime, "target");
        await using var _ = app;
        using var caller = TestRuntime.SidecarHttp(await runtime.StartSidecarAsync("caller"));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
        {
            using var failed = await caller.GetAsync(new Uri("v1.0/invoke/target/method/status/500", UriKind.Relative), Ct);
            statuses.Add(failed.StatusCode);
        }

        using var refused = await caller.GetAsync(new Uri("v1.0/invoke/target/method/status/500", UriKind.Relative), Ct);
        using var otherMethod = await caller.GetAsync(new Uri("v1.0/invoke/target/method/echo/fine", UriKind.Relative), Ct);

        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError], statuses);
        await InvocationHttpTests.AssertDaprErrorAsync(refused, HttpStatusCode.InternalServerError, "failed to invoke, id: target, err: circuit breaker is open");
        Assert.Equal(2, app.Requests.Count(r => r.Path == "/status/500"));
        Assert.Equal(HttpStatusCode.OK, otherMethod.StatusCode); // daprd keeps one breaker per app and method
    }
}
