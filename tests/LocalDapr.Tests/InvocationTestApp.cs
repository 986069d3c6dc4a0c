using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using DaprOrders.LocalDapr.Sidecars;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

using DaprOrders.Tests;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// An HTTP app in the test process to invoke, behind a sidecar of its own: it records every request and answers
/// by path. `/echo/...`: 200 with the request as JSON and header `x-echo: yes`; `/status/{code}`: that status with
/// body `status {code}`; `/fail/{key}/{times}`: 503 the first <c>times</c> calls per key, then 200; `/slow`: holds
/// the request until the caller gives up; `/redirect`: 302 to /echo/redirected. Anything else is 404.
/// </summary>
public sealed class InvocationTestApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

    private InvocationTestApp(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>
    /// Every request the app received, in order (the sidecar's discovery calls, e.g. `/dapr/config`, excluded).
    /// </summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>
    /// Starts the app on a free port, then its sidecar as <paramref name="appId"/> in <paramref name="runtime"/>.
    /// </summary>
    public static async Task<(InvocationTestApp App, AppInstance Sidecar)> StartAsync(TestRuntime runtime, string appId, string? appApiToken = null)
    {
        var port = AppPorts.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var test = new InvocationTestApp(app, port);
        app.Run(test.AnswerAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var sidecar = await runtime.StartSidecarAsync(appId, spec => spec with { AppPort = port, AppApiToken = appApiToken });
        return (test, sidecar);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body);
        // Not the request's abort token: an attempt the caller gave up on is still recorded as having arrived.
        var body = await reader.ReadToEndAsync(CancellationToken.None);
        var path = request.Path.Value ?? "/";
        var recorded = new RecordedRequest(
            request.Method, path, request.QueryString.Value ?? "", body, request.ContentType,
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal));
        if (!path.StartsWith("/dapr/", StringComparison.Ordinal))
        {
            Requests.Enqueue(recorded);
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (segments)
        {
            case ["echo", ..]:
                context.Response.Headers["x-echo"] = "yes";
                await context.Response.WriteAsJsonAsync(recorded, context.RequestAborted);
                break;
            case ["status", var code]:
                context.Response.StatusCode = int.Parse(code, System.Globalization.CultureInfo.InvariantCulture);
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync($"status {code}", context.RequestAborted);
                break;
            case ["fail", var key, var times]:
                var failed = _failures.AddOrUpdate(key, 1, (_, n) => n + 1);
                context.Response.StatusCode = failed <= int.Parse(times, System.Globalization.CultureInfo.InvariantCulture) ? 503 : 200;
                await context.Response.WriteAsync($"attempt {failed}", context.RequestAborted);
                break;
            case ["slow"]:
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                break;
            case ["redirect"]:
                context.Response.Redirect("/echo/redirected");
                break;
            default:
                context.Response.StatusCode = 404;
                break;
        }
    }
}

/// <summary>
/// One request as the app saw it; header names in lower case.
/// </summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string Body, string? ContentType, IReadOnlyDictionary<string, string> Headers)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Reads the JSON an `/echo/...` answer carries.
    /// </summary>
    public static RecordedRequest FromJson(string json) =>
        JsonSerializer.Deserialize<RecordedRequest>(json, JsonOptions)
        ?? throw new InvalidOperationException("No request in the echo.");
}
