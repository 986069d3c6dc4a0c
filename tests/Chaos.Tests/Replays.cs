using System.Text;
using Confluent.Kafka;
using DaprOrders.EndToEnd.Tests;

namespace DaprOrders.Chaos.Tests;

/// <summary>
/// Records written to Kafka a second time, byte for byte the same CloudEvent under the same key: what a consumer
/// sees when its group restarts from an older commit, or when an at-least-once publisher (a workflow activity run
/// again) publishes twice. Every consumer must take the copy as the event it already had.
/// </summary>
internal static class Replays
{
    public static async Task<int> SendAsync(string bootstrapServers, string topic, IEnumerable<TopicRecord> records, CancellationToken cancellationToken)
    {
        using var producer = new ProducerBuilder<string?, byte[]>(new ProducerConfig { BootstrapServers = bootstrapServers }).Build();
        var sent = 0;
        foreach (var record in records)
        {
            await producer.ProduceAsync(topic, new Message<string?, byte[]>
            {
                Key = record.Key,
                Value = Encoding.UTF8.GetBytes(record.CloudEvent!.ToJsonString()),
                Headers = [new Header("content-type", Encoding.UTF8.GetBytes("application/cloudevents+json"))],
            }, cancellationToken);
            sent++;
        }

        return sent;
    }
}
