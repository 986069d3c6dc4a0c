using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;

namespace DaprOrders.Chaos.Tests;

/// <summary>
/// Messages no subscriber can use, written straight to Kafka as any producer could: well-formed CloudEvents whose
/// data is unreadable text, has the wrong types, or names an unknown enum value. Each must be dropped to the
/// dead-letter topic by its subscriber, and the partition must keep flowing behind it.
/// </summary>
internal static class PoisonMessages
{
    /// <summary>
    /// The kinds of poison, each with its `data` and content type.
    /// </summary>
    public static readonly IReadOnlyList<(string Kind, string ContentType, JsonNode? Data)> Kinds =
    [
        ("unreadable", "text/plain", JsonValue.Create("%%% not json {")),
        ("wrong-types", "application/json", new JsonObject { ["id"] = 42, ["state"] = new JsonArray(), ["quantity"] = "many" }),
        ("unknown-enum", "application/json", new JsonObject
        {
            ["id"] = "poison-order", ["orderId"] = "poison-order", ["customerId"] = "c", ["state"] = "SHIPPED", ["product"] = "SOCKS",
            ["quantity"] = 1, ["price"] = 1, ["type"] = "TELEPATHY_CHECK", ["result"] = "MAYBE", ["level"] = "diamond",
        }),
    ];

    /// <summary>
    /// Writes every kind of poison to each of <paramref name="topics"/>; returns their CloudEvent ids.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SendAsync(string bootstrapServers, IEnumerable<string> topics, CancellationToken cancellationToken)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = bootstrapServers }).Build();
        var ids = new List<string>();
        foreach (var topic in topics)
        {
            foreach (var (kind, contentType, data) in Kinds)
            {
                var id = $"poison-{topic}-{kind}";
                var cloudEvent = new JsonObject
                {
                    ["data"] = data?.DeepClone(),
                    ["datacontenttype"] = contentType,
                    ["id"] = id,
                    ["pubsubname"] = "pubsub",
                    ["source"] = "chaos-test",
                    ["specversion"] = "1.0",
                    ["topic"] = topic,
                    ["type"] = "com.dapr.event.sent",
                };
                await producer.ProduceAsync(topic, new Message<string, byte[]>
                {
                    Key = id,
                    Value = Encoding.UTF8.GetBytes(cloudEvent.ToJsonString()),
                    Headers = [new Header("content-type", Encoding.UTF8.GetBytes("application/cloudevents+json"))],
                }, cancellationToken);
                ids.Add(id);
            }
        }

        return ids;
    }
}
