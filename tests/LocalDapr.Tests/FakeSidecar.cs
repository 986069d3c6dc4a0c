using System.Collections.Concurrent;
using DaprOrders.LocalDapr.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// An HTTP listener in the test that stands in for an app's sidecar: it records every request and gives the answer
/// set in <see cref="Answer"/>. <see cref="Register"/> lists it in a home folder as a running app, so `localdapr`
/// commands call it exactly as they call a real sidecar.
/// </summary>
public sealed class FakeSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _disposed;

    private FakeSidecar(WebApplication app) => _app = app;

    /// <summary>
    /// The port it listens on (127.0.0.1).
    /// </summary>
    public int Port { get; private set; }

    /// <summary>
    /// What it answers: status, content type and body.
    /// </summary>
    public (int Status, string ContentType, string Body) Answer { get; set; } = (200, "application/json", "");

    /// <summary>
    /// The requests received, in order.
    /// </summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>
    /// Starts listening on a free port.
    /// </summary>
    public static async Task<FakeSidecar> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var sidecar = new FakeSidecar(app);
        app.Map("/{**path}", async (HttpContext context) =>
        {
            using var body = new StreamReader(context.Request.Body);
            var request = context.Request;
            sidecar._requests.Enqueue(new RecordedRequest(
                request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? "", await body.ReadToEndAsync(context.RequestAborted),
                request.ContentType, request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal)));
            var (status, contentType, answer) = sidecar.Answer;
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(answer, context.RequestAborted);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        sidecar.Port = new Uri(address).Port;
        return sidecar;
    }

    /// <summary>
    /// Lists this listener in <paramref name="home"/> as the sidecar of one running instance of
    /// <paramref name="appId"/>, in a run of this test process that started at <paramref name="runStarted"/>.
    /// </summary>
    public RunStateFile Register(LocalDaprHome home, string appId, DateTimeOffset runStarted)
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var file = RunStateFile.Create(home);
        file.Write(new RunRecord(Environment.ProcessId, self.StartTime.ToUniversalTime(), runStarted, null,
            [new RunAppRecord(appId, $"{appId}-0", Port, Port, null, null, [], runStarted)]));
        return file;
    }

    /// <summary>
    /// Stops listening (once; a test may stop it early to see a sidecar that does not answer).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _app.DisposeAsync();
        }
    }
}
