using System.Net.Http.Json;
using System.Text.Json;
using DaprOrders.Contracts;

namespace DaprOrders.Orders.Tests;

/// <summary>Builds deliveries as the Dapr sidecar posts them: a CloudEvent envelope around the JSON data.</summary>
internal static class CloudEvents
{
    public static HttpContent Wrap<T>(T data, string topic, string pubsubName = DaprComponents.PubSub) =>
        Raw(JsonSerializer.SerializeToElement(data, ContractsJson.Options), topic, pubsubName);

    public static HttpContent Raw(JsonElement data, string topic, string pubsubName = DaprComponents.PubSub)
    {
        var envelope = new Dictionary<string, object>
        {
            ["specversion"] = "1.0",
            ["id"] = Guid.NewGuid().ToString(),
            ["source"] = AppIds.Orders,
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
