using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using DaprOrders.LocalDapr.Sidecars;
using DaprOrders.LocalDapr.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprOrders.LocalDapr.Actors;

/// <summary>
/// The sidecar's actor routes, as daprd's pkg/api/http/actors.go. The .NET SDK speaks HTTP only for actors, so the
/// gRPC actor methods are not served.
/// </summary>
public static class ActorsApi
{
    public const string ReentrancyHeader = "Dapr-Reentrancy-Id";

    /// <summary>
    /// Headers that belong to one hop (or to the sidecar) and are not forwarded between caller and app.
    /// </summary>
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Authorization",
        "Proxy-Authenticate", "Expect", "Content-Length", AppChannel.ApiTokenHeader,
    };

    public static void MapHttp(IEndpointRouteBuilder endpoints, ActorsFeature actors)
    {
        var group = endpoints.MapGroup("/v1.0/actors/{actorType}/{actorId}");
        group.MapMethods("/method/{method}", ["GET", "POST", "PUT", "DELETE"], (HttpContext context, string actorType, string actorId, string method) =>
            InvokeAsync(context, actors, new ActorKey(actorType, actorId), method));
        group.MapGet("/state/{key}", (HttpContext context, string actorType, string actorId, string key) =>
            GetStateAsync(context, actors, new ActorKey(actorType, actorId), key));
        group.MapMethods("/state", ["PUT", "POST"], (HttpContext context, string actorType, string actorId) =>
            SaveStateAsync(context, actors, new ActorKey(actorType, actorId)));
        group.MapMethods("/reminders/{name}", ["PUT", "POST"], (HttpContext context, string actorType, string actorId, string name) =>
            CreateReminderAsync(context, actors, new ActorKey(actorType, actorId), name));
        group.MapGet("/reminders/{name}", (HttpContext context, string actorType, string actorId, string name) =>
            GetReminder(context, actors, new ActorKey(actorType, actorId), name));
        group.MapDelete("/reminders/{name}", (HttpContext context, string actorType, string actorId, string name) =>
            DeleteReminder(context, actors, new ActorKey(actorType, actorId), name));
        group.MapMethods("/timers/{name}", ["PUT", "POST"], (HttpContext context, string actorType, string actorId, string name) =>
            CreateTimerAsync(context, actors, new ActorKey(actorType, actorId), name));
        group.MapDelete("/timers/{name}", (HttpContext context, string actorType, string actorId, string name) =>
            DeleteTimer(context, actors, new ActorKey(actorType, actorId), name));
    }

    /// <summary>
    /// Calls the method on the actor's placed host with the caller's headers and body, and returns the app's
    /// status, headers and body as they are (remoting errors travel in `X-DaprErrorResponseHeader` with a 200).
    /// An app answering anything but 200 becomes daprd's 500 ERR_ACTOR_INVOKE_METHOD.
    /// </summary>
    private static async Task InvokeAsync(HttpContext context, ActorsFeature actors, ActorKey key, string method)
    {
        var cancellationToken = context.RequestAborted;
        var body = await ReadBodyAsync(context.Request, cancellationToken);
        var reentrancyId = context.Request.Headers[ReentrancyHeader].FirstOrDefault() ?? Guid.NewGuid().ToString();

        HttpResponseMessage response;
        try
        {
            var call = Activity.Current;
            response = await actors.Runtime.RunTurnAsync(key, reentrancyId, ActorRuntime.LookupTimeout, async (activation, ct) =>
            {
                // The turn's own span, under the API call's (which also covers the wait for the turn): daprd's
                // `CallActor/{type}/{method}` (dapr pkg/diagnostics/grpc_tracing.go). The app's call is its child.
                using var turn = call is null ? null : RuntimeTelemetry.Source.StartActivity($"CallActor/{key.Type}/{method}", ActivityKind.Server, call.Context);
                turn?.SetTag("dapr.actor", $"{key.Type}.{key.Id}");
                turn?.SetTag("dapr.app_id", activation.Host.Sidecar.AppId);
                using var request = ToAppRequest(context.Request, body);
                if (activation.Options.ReentrancyEnabled)
                {
                    request.Headers.Remove(ReentrancyHeader);
                    request.Headers.TryAddWithoutValidation(ReentrancyHeader, reentrancyId);
                }

                return await ActorAppCalls.InvokeMethodAsync(activation.Host, key, method, request, ct);
            }, cancellationToken);
        }
        catch (ActorHostNotFoundException)
        {
            await ActorError.NoHost(key).ToResult().ExecuteAsync(context);
            return;
        }
        catch (StackDepthExceededException)
        {
            await ActorError.StackDepth().ToResult().ExecuteAsync(context);
            return;
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await ActorError.Invoke(e.Message).ToResult().ExecuteAsync(context);
            return;
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                await ActorError.Invoke($"actor method not found: actors/{key.Type}/{key.Id}/method/{method}").ToResult().ExecuteAsync(context);
                return;
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                await ActorError.Invoke($"error from actor service: ({(int)response.StatusCode}) {text}").ToResult().ExecuteAsync(context);
                return;
            }

            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopHeaders.Contains(name) && !name.Equals("Date", StringComparison.OrdinalIgnoreCase) && !name.Equals("Server", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            await response.Content.CopyToAsync(context.Response.Body, cancellationToken);
        }
    }

    private static async Task<IResult> GetStateAsync(HttpContext context, ActorsFeature actors, ActorKey key, string name)
    {
        var sidecar = SidecarOf(context);
        ActorStateValue? value;
        try
        {
            value = await actors.StateStore.GetAsync(StateKey(sidecar, key, name), context.RequestAborted);
        }
        catch (ActorStateStoreMissingException e)
        {
            return ActorError.StateGet(e.Message).ToResult();
        }

        if (value is null || value.Data.IsEmpty)
        {
            return TypedResults.NoContent();
        }

        if (value.ExpiresAt is { } expiry)
        {
            context.Response.Headers["metadata.ttlExpireTime"] = expiry.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
        }

        return TypedResults.Bytes(value.Data.ToArray(), "application/json");
    }

    /// <summary>
    /// `[{"operation":"upsert","request":{"key","value","metadata":{"ttlInSeconds":"60"}}},{"operation":"delete","request":{"key"}}]`
    /// </summary>
    private static async Task<IResult> SaveStateAsync(HttpContext context, ActorsFeature actors, ActorKey key)
    {
        var sidecar = SidecarOf(context);
        var body = await ReadBodyAsync(context.Request, context.RequestAborted);
        List<ActorStateOperation> operations;
        try
        {
            operations = ParseOperations(body, name => StateKey(sidecar, key, name));
        }
        catch (JsonException e)
        {
            return ActorError.Malformed(e.Message).ToResult();
        }
        catch (FormatException e)
        {
            return ActorError.StateTransaction(e.Message).ToResult();
        }

        try
        {
            await actors.StateStore.TransactAsync(operations, context.RequestAborted);
        }
        catch (ActorStateStoreMissingException e)
        {
            return ActorError.StateTransaction(e.Message).ToResult();
        }

        return TypedResults.NoContent();
    }

    private static async Task<IResult> CreateReminderAsync(HttpContext context, ActorsFeature actors, ActorKey key, string name)
    {
        if (!actors.Runtime.Placement.IsHostedBy(key.Type, SidecarOf(context).AppId))
        {
            return ActorError.ReminderNonHosted().ToResult();
        }

        ScheduleRequest request;
        try
        {
            request = ScheduleRequest.Parse(await ReadBodyAsync(context.Request, context.RequestAborted));
        }
        catch (JsonException e)
        {
            return ActorError.Malformed(e.Message).ToResult();
        }

        try
        {
            return actors.Reminders.TryCreate(key, name, request) ? TypedResults.NoContent() : ActorError.ReminderExists(name).ToResult();
        }
        catch (FormatException e)
        {
            return ActorError.ReminderCreate(e.Message).ToResult();
        }
    }

    /// <summary>
    /// `{"actorID","actorType","data","dueTime","period","ttl"}`, data as the raw JSON registered
    /// (daprd pkg/api/universal/actors.go GetActorReminder; missing -> 404 ERR_ACTOR_REMINDER_NOT_FOUND).
    /// </summary>
    private static IResult GetReminder(HttpContext context, ActorsFeature actors, ActorKey key, string name)
    {
        if (!actors.Runtime.Placement.IsHostedBy(key.Type, SidecarOf(context).AppId))
        {
            return ActorError.ReminderNonHosted().ToResult();
        }

        if (actors.Reminders.Get(key, name) is not { } reminder)
        {
            return ActorError.ReminderNotFound(name).ToResult();
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("actorID", key.Id);
            writer.WriteString("actorType", key.Type);
            if (reminder.Request.Data is { } data)
            {
                writer.WritePropertyName("data");
                writer.WriteRawValue(data);
            }

            // As daprd's GetActorReminder: empty due time and period are left out, the TTL is the expiry (RFC 3339).
            if (reminder.Request.DueTime.Length > 0)
            {
                writer.WriteString("dueTime", reminder.Request.DueTime);
            }

            if (reminder.Request.Period.Length > 0)
            {
                writer.WriteString("period", reminder.Request.Period);
            }

            if (reminder.Schedule.Expiry is { } expiry)
            {
                writer.WriteString("ttl", expiry.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture));
            }

            writer.WriteEndObject();
        }

        return TypedResults.Bytes(buffer.ToArray(), "application/json");
    }

    private static IResult DeleteReminder(HttpContext context, ActorsFeature actors, ActorKey key, string name)
    {
        if (!actors.Runtime.Placement.IsHostedBy(key.Type, SidecarOf(context).AppId))
        {
            return ActorError.ReminderNonHosted().ToResult();
        }

        actors.Reminders.Delete(key, name);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Timers live on the activation, so they can only be created where the actor is active (from its own turn).
    /// </summary>
    private static async Task<IResult> CreateTimerAsync(HttpContext context, ActorsFeature actors, ActorKey key, string name)
    {
        ScheduleRequest request;
        try
        {
            request = ScheduleRequest.Parse(await ReadBodyAsync(context.Request, context.RequestAborted));
        }
        catch (JsonException e)
        {
            return ActorError.Malformed(e.Message).ToResult();
        }

        var activation = actors.Runtime.Find(key);
        if (activation is null || activation.Host.Sidecar != SidecarOf(context))
        {
            return ActorError.TimerCreate($"actor {key} is not activated on this host").ToResult();
        }

        try
        {
            var schedule = ReminderSchedule.Create(request.DueTime, request.Period, request.Ttl, actors.Runtime.Time.GetUtcNow(), "timer");
            actors.Timers.Start(activation, name, request, schedule);
            return TypedResults.NoContent();
        }
        catch (FormatException e)
        {
            return ActorError.TimerCreate(e.Message).ToResult();
        }
    }

    private static NoContent DeleteTimer(HttpContext context, ActorsFeature actors, ActorKey key, string name)
    {
        if (actors.Runtime.Find(key) is { } activation && activation.Host.Sidecar == SidecarOf(context))
        {
            activation.RemoveTimer(name);
        }

        return TypedResults.NoContent();
    }

    /// <summary>
    /// daprd's actor state key: `{appId}||{actorType}||{actorId}||{key}`.
    /// </summary>
    public static string StateKey(Sidecar sidecar, ActorKey key, string name) => $"{sidecar.AppId}||{key.Type}||{key.Id}||{name}";

    public static List<ActorStateOperation> ParseOperations(byte[] body, Func<string, string> stateKey)
    {
        using var document = JsonDocument.Parse(body);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("json: cannot unmarshal into a list of operations");
        }

        var operations = new List<ActorStateOperation>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var operation = Property(item, "operation")?.GetString();
            var request = Property(item, "request") ?? throw new FormatException("missing request in operation");
            var name = Property(request, "key")?.GetString();
            if (string.IsNullOrEmpty(name))
            {
                throw new FormatException("missing key in operation");
            }

            switch (operation)
            {
                case "upsert":
                    var value = Property(request, "value");
                    var data = value is { ValueKind: not JsonValueKind.Null } v ? System.Text.Encoding.UTF8.GetBytes(v.GetRawText()) : [];
                    operations.Add(new ActorStateOperation(stateKey(name), data, TtlSeconds(request)));
                    break;
                case "delete":
                    operations.Add(new ActorStateOperation(stateKey(name), null, null));
                    break;
                default:
                    throw new FormatException($"operation type {operation} not supported");
            }
        }

        return operations;
    }

    private static int? TtlSeconds(JsonElement request)
    {
        if (Property(request, "metadata") is not { ValueKind: JsonValueKind.Object } metadata || Property(metadata, "ttlInSeconds") is not { } ttl)
        {
            return null;
        }

        var text = ttl.ValueKind == JsonValueKind.String ? ttl.GetString() : ttl.GetRawText();
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : throw new FormatException($"incorrect value for metadata ttlInSeconds: {text}");
    }

    /// <summary>
    /// Go's decoder matches keys case-insensitively.
    /// </summary>
    private static JsonElement? Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static HttpRequestMessage ToAppRequest(HttpRequest incoming, byte[] body)
    {
        var request = new HttpRequestMessage();
        if (body.Length > 0 || incoming.ContentType is not null)
        {
            request.Content = new ByteArrayContent(body);
        }

        foreach (var (name, values) in incoming.Headers)
        {
            if (HopHeaders.Contains(name))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        return request;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    private static Sidecar SidecarOf(HttpContext context) => context.RequestServices.GetRequiredService<Sidecar>();
}
