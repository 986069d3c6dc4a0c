using DaprOrders.Contracts;

namespace DaprOrders.Loaders.Http;

/// <summary>
/// Publishes through the Dapr HTTP API of the loader's sidecar, as any app would:
/// `POST {dapr}/v1.0/publish/{pubsub}/{topic}?metadata.partitionKey={key}` with the JSON record as body. The
/// sidecar wraps it in a CloudEvent and, with pubsub.kafka, uses the partition key as the record key.
/// </summary>
internal sealed class DaprPublisher(HttpClient http, Uri daprUrl, string? daprApiToken)
{
    public Task<CallResult> PublishAsync<T>(string topic, string partitionKey, T data, CancellationToken cancellationToken) =>
        HttpCalls.PostJsonAsync(http, PublishUrl(topic, partitionKey), data, daprApiToken, bearerToken: null, "the Dapr sidecar", cancellationToken);

    public Uri PublishUrl(string topic, string partitionKey) => new(
        $"{daprUrl.AbsoluteUri.TrimEnd('/')}/v1.0/publish/{Uri.EscapeDataString(DaprComponents.PubSub)}/{Uri.EscapeDataString(topic)}" +
        $"?metadata.{PublishMetadata.PartitionKey}={Uri.EscapeDataString(partitionKey)}");
}
