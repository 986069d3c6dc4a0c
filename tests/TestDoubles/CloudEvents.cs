using System.Net.Http.Json;
using System.Text.Json;
using DaprOrders.Contracts;

namespace DaprOrders.TestDoubles;

/// <summary>Deliveries as the Dapr sidecar posts them to a subscriber: a CloudEvent envelope around the JSON data.</summary>
public static class CloudEvents
{
    /// <summary><paramref name="data"/> in the contracts' JSON, as delivered from <paramref name="pubsubName"/>.</summary>
    public static HttpContent Wrap<T>(T data, string topic, string pubsubName = DaprComponents.PubSub) =>
        Envelope(JsonSerializer.SerializeToElement(data, ContractsJson.Options), topic, pubsubName);

    /// <summary>Any JSON as the data, e.g. what no contract can read.</summary>
    public static HttpContent Raw(string json, string topic, string pubsubName = DaprComponents.PubSub)
    {
        using var document = JsonDocument.Parse(json);
        return Envelope(document.RootElement.Clone(), topic, pubsubName);
    }

    private static JsonContent Envelope(JsonElement data, string topic, string pubsubName)
    {
        var envelope = new Dictionary<string, object>
        {
            ["specversion"] = "1.0",
            ["id"] = Guid.NewGuid().ToString(),
            ["source"] = "tests",
            ["type"] = "com.dapr.event.sent",
            ["datacontenttype"] = "application/json",
            ["topic"] = topic,
            ["pubsubname"] = pubsubName,
            ["data"] = data,
        };
        var content = JsonContent.Create(envelope);
        content.Headers.ContentType = new("application/cloudevents+json");
        return content;
    }
}
