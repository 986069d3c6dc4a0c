using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprOrders.Orders.Tests;

/// <summary>
/// Just enough of the sidecar's actor HTTP API (invoke, actor state, reminders) on a real loopback port, so the
/// Dapr actor proxy, remoting and state provider run for real against the orders app. Calls into the app go
/// through the app's in-memory client, one turn at a time as daprd's actor lock does.
/// </summary>
internal sealed class FakeActorSidecar : IAsyncDisposable
{
    private readonly WebApplication _sidecar;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly ConcurrentDictionary<string, string> _state = new(StringComparer.Ordinal);

    private FakeActorSidecar(WebApplication sidecar) => _sidecar = sidecar;

    public string Endpoint { get; private set; } = "";

    /// <summary>The app under test; set once its factory exists (the factory needs <see cref="Endpoint"/> first).</summary>
    public HttpClient? App { get; set; }

    public ConcurrentDictionary<string, JsonElement> Reminders { get; } = new(StringComparer.Ordinal);

    public string? StateOf(string type, string id, string key) => _state.GetValueOrDefault($"{type}||{id}||{key}");

    public static async Task<FakeActorSidecar> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var sidecar = new FakeActorSidecar(builder.Build());
        sidecar.Map();
        await sidecar._sidecar.StartAsync(cancellationToken);
        var address = sidecar._sidecar.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sidecar.Endpoint = address;
        return sidecar;
    }

    /// <summary>Fires a registered reminder the way daprd calls the app back.</summary>
    public async Task<HttpResponseMessage> FireReminderAsync(string type, string id, string name, CancellationToken cancellationToken)
    {
        var reminder = Reminders[$"{type}||{id}||{name}"];
        var body = new Dictionary<string, object?>
        {
            ["dueTime"] = reminder.GetProperty("dueTime").GetString(),
            ["period"] = reminder.GetProperty("period").GetString(),
        };
        if (reminder.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.String)
        {
            body["data"] = data.GetString();
        }

        using var request = new HttpRequestMessage(HttpMethod.Put, $"/actors/{type}/{id}/method/remind/{name}")
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        return await InTurn(() => App!.SendAsync(request, cancellationToken), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _sidecar.DisposeAsync();
        _turn.Dispose();
    }

    private void Map()
    {
        // The SDK's default endpoint ends in '/', so paths may start with '//'; daprd cleans them.
        _sidecar.Use((context, next) =>
        {
            context.Request.Path = new PathString(context.Request.Path.Value!.Replace("//", "/", StringComparison.Ordinal));
            return next(context);
        });

        _sidecar.MapMethods("/v1.0/actors/{type}/{id}/method/{method}", ["PUT", "POST"], Invoke);
        _sidecar.MapGet("/v1.0/actors/{type}/{id}/state/{key}", (string type, string id, string key) =>
            _state.TryGetValue($"{type}||{id}||{key}", out var json)
                ? Results.Text(json, "application/json")
                : Results.NoContent());
        _sidecar.MapMethods("/v1.0/actors/{type}/{id}/state", ["PUT", "POST"], async (string type, string id, HttpRequest request) =>
        {
            using var operations = await JsonDocument.ParseAsync(request.Body);
            foreach (var operation in operations.RootElement.EnumerateArray())
            {
                var item = operation.GetProperty("request");
                var key = $"{type}||{id}||{item.GetProperty("key").GetString()}";
                if (operation.GetProperty("operation").GetString() == "upsert")
                {
                    _state[key] = item.GetProperty("value").GetRawText();
                }
                else
                {
                    _state.TryRemove(key, out _);
                }
            }

            return Results.NoContent();
        });
        _sidecar.MapPut("/v1.0/actors/{type}/{id}/reminders/{name}", async (string type, string id, string name, HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            Reminders[$"{type}||{id}||{name}"] = body.RootElement.Clone();
            return Results.NoContent();
        });
        _sidecar.MapDelete("/v1.0/actors/{type}/{id}/reminders/{name}", (string type, string id, string name) =>
        {
            Reminders.TryRemove($"{type}||{id}||{name}", out _);
            return Results.NoContent();
        });
    }

    // daprd forwards the caller's headers and body to the app (always PUT) and the app's answer back verbatim.
    private async Task Invoke(HttpContext context, string type, string id, string method)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        using var forward = new HttpRequestMessage(HttpMethod.Put, $"/actors/{type}/{id}/method/{method}")
        {
            Content = new ByteArrayContent(body.ToArray()),
        };
        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                forward.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
            else if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                forward.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        using var answer = await InTurn(() => App!.SendAsync(forward, context.RequestAborted), context.RequestAborted);
        context.Response.StatusCode = (int)answer.StatusCode;
        foreach (var (name, values) in answer.Headers)
        {
            context.Response.Headers[name] = values.ToArray();
        }

        if (answer.Content.Headers.ContentType is { } contentType)
        {
            context.Response.ContentType = contentType.ToString();
        }

        await answer.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private async Task<T> InTurn<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            return await call();
        }
        finally
        {
            _turn.Release();
        }
    }
}
