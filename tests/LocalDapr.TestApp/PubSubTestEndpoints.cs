using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Dapr;

namespace DaprOrders.LocalDapr.TestApp;

/// <summary>
/// Topic handlers for the pub/sub conformance tests, declared with the SDK's `WithTopic` (programmatic
/// subscriptions through `GET /dapr/subscribe`). Each handler records what it received in a stream named after its
/// topic; the tests read the streams through `GET /test/recorded/{stream}`.
/// </summary>
public static class PubSubTestEndpoints
{
    public static IEndpointRouteBuilder MapPubSubTestEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Data and the headers the sidecar sent with it.
        endpoints.MapPost("/pubsub/events", async (HttpRequest request, RecordedEvents recorded, CancellationToken cancellationToken) =>
        {
            recorded.Record(PubSubTestTopics.Events, await Describe(request, cancellationToken));
            return TypedResults.Ok();
        }).WithTopic(PubSubTestTopics.PubSubName, PubSubTestTopics.Events);

        // With rawPayload the sidecar wraps the stored bytes, so after UseCloudEvents the body is the envelope
        // exactly as the publisher's sidecar built it.
        endpoints.MapPost("/pubsub/envelopes", async (HttpRequest request, RecordedEvents recorded, CancellationToken cancellationToken) =>
        {
            recorded.Record(PubSubTestTopics.Envelopes, await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken));
            return TypedResults.Ok();
        }).WithTopic(PubSubTestTopics.PubSubName, PubSubTestTopics.Envelopes, enableRawPayload: true);

        // {"key","seq"}: which instance (process) got which message, in the order it got them.
        endpoints.MapPost("/pubsub/ordered", (JsonObject data, RecordedEvents recorded) =>
        {
            data["process"] = Environment.ProcessId;
            recorded.Record(PubSubTestTopics.Ordered, data);
            return TypedResults.Ok();
        }).WithTopic(PubSubTestTopics.PubSubName, PubSubTestTopics.Ordered);

        endpoints.MapPost("/pubsub/broadcast", (JsonObject data, RecordedEvents recorded) =>
        {
            data["process"] = Environment.ProcessId;
            recorded.Record(PubSubTestTopics.Broadcast, data);
            return TypedResults.Ok();
        }).WithTopic(PubSubTestTopics.BroadcastPubSub, PubSubTestTopics.Broadcast);

        // {"id","action","failures"}: answers as told, so tests can drive RETRY, DROP, 404 and exceptions.
        var attempts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        IResult Flaky(JsonObject data, string stream, RecordedEvents recorded)
        {
            var id = (string?)data["id"] ?? "";
            var attempt = attempts.AddOrUpdate(id, 1, (_, n) => n + 1);
            var failures = (int?)data["failures"] ?? int.MaxValue;
            recorded.Record(stream, new JsonObject { ["id"] = id, ["attempt"] = attempt });
            if (attempt > failures)
            {
                return Results.Ok();
            }

            return (string?)data["action"] switch
            {
                "retry" => Results.Ok(new { status = "RETRY" }),
                "drop" => Results.Ok(new { status = "DROP" }),
                "not-found" => Results.NotFound(),
                "throw" => throw new InvalidOperationException($"Failing {id} as told (attempt {attempt})."),
                _ => Results.Ok(),
            };
        }

        endpoints.MapPost("/pubsub/flaky", (JsonObject data, RecordedEvents recorded) => Flaky(data, PubSubTestTopics.Flaky, recorded))
            .WithTopic(new TopicOptions { PubsubName = PubSubTestTopics.PubSubName, Name = PubSubTestTopics.Flaky, DeadLetterTopic = PubSubTestTopics.DeadLetter });
        endpoints.MapPost("/pubsub/flaky-no-dead-letter", (JsonObject data, RecordedEvents recorded) => Flaky(data, PubSubTestTopics.FlakyNoDeadLetter, recorded))
            .WithTopic(PubSubTestTopics.PubSubName, PubSubTestTopics.FlakyNoDeadLetter);
        endpoints.MapPost("/pubsub/dead-letter", async (HttpRequest request, RecordedEvents recorded, CancellationToken cancellationToken) =>
        {
            recorded.Record(PubSubTestTopics.DeadLetter, await Describe(request, cancellationToken));
            return TypedResults.Ok();
        }).WithTopic(PubSubTestTopics.PubSubName, PubSubTestTopics.DeadLetter);

        // {"id","marker"}: the first process to see the message creates the marker file and hangs (until it is
        // killed); a later one completes it. The test can then crash the app mid-message.
        endpoints.MapPost("/pubsub/slow", async (JsonObject data, RecordedEvents recorded, CancellationToken cancellationToken) =>
        {
            var marker = (string?)data["marker"] ?? throw new InvalidOperationException("no marker");
            var first = !File.Exists(marker);
            recorded.Record(PubSubTestTopics.Slow, new JsonObject { ["id"] = (string?)data["id"], ["first"] = first, ["process"] = Environment.ProcessId });
            if (first)
            {
                await File.WriteAllTextAsync(marker, "taken", cancellationToken);
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return TypedResults.Ok();
        }).WithTopic(PubSubTestTopics.PubSubName, PubSubTestTopics.Slow);

        // Routing rules: CEL matches over the event, first match wins, else the default route.
        IResult Routed(string route, JsonObject data, RecordedEvents recorded)
        {
            recorded.Record(PubSubTestTopics.Routed, new JsonObject { ["route"] = route, ["id"] = (string?)data["id"] });
            return Results.Ok();
        }

        endpoints.MapPost("/pubsub/routed/widget", (JsonObject data, RecordedEvents recorded) => Routed("widget", data, recorded))
            .WithTopic(new TopicOptions { PubsubName = PubSubTestTopics.PubSubName, Name = PubSubTestTopics.Routed, Match = "event.type == \"widget\"", Priority = 1 });
        endpoints.MapPost("/pubsub/routed/large", (JsonObject data, RecordedEvents recorded) => Routed("large", data, recorded))
            .WithTopic(new TopicOptions { PubsubName = PubSubTestTopics.PubSubName, Name = PubSubTestTopics.Routed, Match = "event.data.size > 10 && !(event.data.kind == 'tiny')", Priority = 2 });
        endpoints.MapPost("/pubsub/routed/default", (JsonObject data, RecordedEvents recorded) => Routed("default", data, recorded))
            .WithTopic(PubSubTestTopics.PubSubName, PubSubTestTopics.Routed);

        return endpoints;
    }

    private static async Task<JsonObject> Describe(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(cancellationToken);
        var headers = new JsonObject();
        foreach (var name in new[] { "pubsubName", "__key", "__topic", "__partition", "__offset", "__timestamp", "partitionKey", "traceparent", "custom" })
        {
            if (request.Headers.TryGetValue(name, out var value))
            {
                headers[name] = value.ToString();
            }
        }

        return new JsonObject
        {
            ["contentType"] = request.ContentType,
            ["body"] = body,
            ["headers"] = headers,
            ["process"] = Environment.ProcessId,
        };
    }
}
