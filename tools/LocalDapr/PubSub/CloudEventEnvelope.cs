using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DaprOrders.LocalDapr.PubSub;

/// <summary>
/// The CloudEvent daprd wraps a published payload in (components-contrib pubsub/envelope.go
/// NewCloudEventsEnvelope and FromCloudEvent, daprd pkg/runtime/pubsub/cloudevents.go), serialised the way Go
/// serialises a map: keys in alphabetical order.
/// </summary>
public static class CloudEventEnvelope
{
    public const string ContentType = "application/cloudevents+json";
    public const string DefaultType = "com.dapr.event.sent";
    public const string SpecVersion = "1.0";

    /// <summary>
    /// Builds the envelope for a publish by <paramref name="appId"/>; a caller-supplied CloudEvent
    /// (content type application/cloudevents+json) is kept with topic and pubsubname overwritten and missing
    /// fields filled. Throws <see cref="JsonException"/> when a caller's CloudEvent is not a JSON object.
    /// </summary>
    public static byte[] Build(string appId, PublishInput input, DateTimeOffset now)
    {
        var contentType = string.IsNullOrEmpty(input.ContentType) ? "text/plain" : input.ContentType;
        var metadata = input.Metadata;
        var traceParent = Override(metadata, "traceparent") ?? Override(metadata, "traceid") ?? input.TraceParent ?? "";
        var traceState = Override(metadata, "tracestate") ?? input.TraceState ?? "";

        JsonObject envelope;
        if (contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            envelope = JsonNode.Parse(input.Data.Span) as JsonObject
                ?? throw new JsonException("a CloudEvent must be a JSON object");
            envelope.TryAdd("specversion", SpecVersion);
            envelope.TryAdd("source", "Dapr");
            envelope.TryAdd("type", DefaultType);
            envelope.TryAdd("time", Rfc3339(now));
            envelope.TryAdd("traceid", traceParent);
            envelope.TryAdd("traceparent", traceParent);
            envelope.TryAdd("tracestate", traceState);
        }
        else
        {
            envelope = new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["specversion"] = SpecVersion,
                ["source"] = appId,
                ["type"] = DefaultType,
                ["datacontenttype"] = contentType,
                ["time"] = Rfc3339(now),
                ["traceid"] = traceParent,
                ["traceparent"] = traceParent,
                ["tracestate"] = traceState,
            };
            var (field, data) = DataOf(contentType, input.Data);
            envelope[field] = data;
        }

        envelope["topic"] = input.Topic;
        envelope["pubsubname"] = input.PubsubName;

        // cloudevent.* metadata overrides the generated attributes (docs: pubsub-cloudevents.md).
        foreach (var name in new[] { "id", "source", "type", "subject" })
        {
            if (Override(metadata, name) is { } value)
            {
                envelope[name] = value;
            }
        }

        // pubsub.kafka has no per-message TTL, so daprd records the expiry in the envelope and drops the event
        // at delivery once it has passed.
        if (metadata.TryGetValue("ttlInSeconds", out var ttlText))
        {
            if (!int.TryParse(ttlText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ttl) || ttl < 0)
            {
                throw new FormatException($"ttlInSeconds '{ttlText}' is not a non-negative integer");
            }

            envelope["expiration"] = Rfc3339(now.AddSeconds(ttl).ToUniversalTime());
        }

        var sorted = new JsonObject();
        foreach (var (key, value) in envelope.OrderBy(p => p.Key, StringComparer.Ordinal).ToList())
        {
            envelope.Remove(key);
            sorted[key] = value;
        }

        return JsonSerializer.SerializeToUtf8Bytes(sorted);
    }

    /// <summary>
    /// JSON content types carry parsed JSON in `data` (a string when it does not parse); binary ones base64 in
    /// `data_base64`; everything else (text, XML, even application/*+json) a string in `data`.
    /// </summary>
    private static (string Field, JsonNode? Data) DataOf(string contentType, ReadOnlyMemory<byte> data)
    {
        var mediaType = contentType.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType == "application/json")
        {
            try
            {
                return ("data", JsonNode.Parse(data.Span));
            }
            catch (JsonException)
            {
                return ("data", Encoding.UTF8.GetString(data.Span));
            }
        }

        if (mediaType is "application/octet-stream" or "application/x-protobuf" or "application/protobuf")
        {
            return ("data_base64", Convert.ToBase64String(data.Span));
        }

        return ("data", Encoding.UTF8.GetString(data.Span));
    }

    /// <summary>
    /// Go's time.RFC3339: seconds, `Z` for UTC, else the offset.
    /// </summary>
    public static string Rfc3339(DateTimeOffset time) =>
        time.Offset == TimeSpan.Zero
            ? time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string? Override(IReadOnlyDictionary<string, string> metadata, string name) =>
        metadata.TryGetValue("cloudevent." + name, out var value) && value.Length > 0 ? value : null;

    /// <summary>
    /// For a subscription with rawPayload: the envelope daprd invents around bytes that are not a CloudEvent
    /// (components-contrib FromRawPayload).
    /// </summary>
    public static byte[] FromRawPayload(ReadOnlySpan<byte> data, string topic, string pubsubName, string? traceParent, string? traceState)
    {
        var envelope = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["data_base64"] = Convert.ToBase64String(data),
            ["datacontenttype"] = "application/octet-stream",
            ["id"] = Guid.NewGuid().ToString(),
            ["pubsubname"] = pubsubName,
            ["source"] = "Dapr",
            ["specversion"] = SpecVersion,
            ["topic"] = topic,
            ["type"] = DefaultType,
        };
        if (!string.IsNullOrEmpty(traceParent))
        {
            envelope["traceid"] = traceParent;
            envelope["traceparent"] = traceParent;
            envelope["tracestate"] = traceState ?? "";
        }

        return JsonSerializer.SerializeToUtf8Bytes(envelope);
    }
}

/// <summary>
/// A publish as both APIs receive it.
/// </summary>
public sealed record PublishInput(
    string PubsubName,
    string Topic,
    ReadOnlyMemory<byte> Data,
    string? ContentType,
    IReadOnlyDictionary<string, string> Metadata,
    string? TraceParent,
    string? TraceState);
