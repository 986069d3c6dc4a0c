using Dapr.Client;
using DaprOrders.Contracts;
using Microsoft.Extensions.Logging;

namespace DaprOrders.ServiceDefaults.Publishing;

internal sealed class DaprEventPublisher(DaprClient dapr, ILogger<DaprEventPublisher> logger) : IEventPublisher
{
    public async Task PublishAsync<T>(string topic, string key, T message, CancellationToken cancellationToken)
        where T : notnull
    {
        // The key becomes the Kafka record key: every event about one entity lands in one partition, in order.
        var metadata = new Dictionary<string, string>(PublishMetadata.KeyedBy(key));
        await dapr.PublishEventAsync(DaprComponents.PubSub, topic, message, metadata, cancellationToken);
        logger.LogDebug("Published {EventType} to {Topic} keyed by {Key}", typeof(T).Name, topic, key);
    }
}
