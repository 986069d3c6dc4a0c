using System.Text.Json.Nodes;
using Confluent.Kafka;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>A record of a topic: its Kafka key and the CloudEvent Dapr wrapped the message in.</summary>
public sealed record TopicRecord(string? Key, JsonNode? CloudEvent)
{
    /// <summary>
    /// The published message (the CloudEvent's `data`).
    /// </summary>
    public JsonNode? Data => CloudEvent?["data"];
}

/// <summary>
/// Looks at the runtime's Kafka cluster from outside, as kcat would: what a topic holds, and whether a
/// subscriber's consumer group has processed it (the local runtime commits an offset only after the app
/// answered the message, as pubsub.kafka does).
/// </summary>
public sealed class KafkaTopics(string bootstrapServers)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Every record on <paramref name="topic"/> published before the call, in offset order per partition.
    /// </summary>
    public Task<IReadOnlyList<TopicRecord>> ReadAsync(string topic, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<TopicRecord>>(() =>
        {
            using var consumer = Consumer(groupId: $"e2e-reader-{Guid.NewGuid():N}");
            // Next offset to read up to, per partition that holds anything.
            var ends = Partitions(topic)
                .Select(p => (Partition: p, End: consumer.QueryWatermarkOffsets(p, CallTimeout).High.Value))
                .Where(p => p.End > 0)
                .ToDictionary(p => p.Partition, p => p.End);
            consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
            var records = new List<TopicRecord>();
            var deadline = DateTime.UtcNow + OrderSystem.Timeout;
            while (ends.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Could not read {topic} to its end: {string.Join(", ", ends)} left.");
                }

                var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (record is null || record.IsPartitionEOF || !ends.TryGetValue(record.TopicPartition, out var end))
                {
                    continue;
                }

                records.Add(new TopicRecord(record.Message.Key, record.Message.Value is null ? null : JsonNode.Parse(record.Message.Value)));
                if (record.Offset.Value + 1 >= end)
                {
                    ends.Remove(record.TopicPartition);
                }
            }

            return records;
        }, cancellationToken);

    /// <summary>
    /// Returns once consumer group <paramref name="consumerGroup"/> (an app id, Dapr's default consumer group)
    /// has committed everything on <paramref name="topic"/> published before the call, i.e. its app answered it.
    /// Kafka tells nobody when a commit happens, so this polls the committed offsets until a deadline.
    /// </summary>
    public async Task WaitUntilConsumedAsync(string consumerGroup, string topic, CancellationToken cancellationToken)
    {
        using var consumer = Consumer(consumerGroup);
        var ends = await Task.Run(() => Partitions(topic)
            .Select(p => new TopicPartitionOffset(p, consumer.QueryWatermarkOffsets(p, CallTimeout).High))
            .Where(end => end.Offset.Value > 0)
            .ToList(), cancellationToken);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(OrderSystem.Timeout);
        while (true)
        {
            // Without subscribing, this consumer never joins the group: it only asks the coordinator for offsets.
            var committed = await Task.Run(() => consumer.Committed(ends.Select(e => e.TopicPartition), CallTimeout), cancellationToken);
            var behind = ends.Where(end => committed.Single(c => c.TopicPartition == end.TopicPartition).Offset.Value < end.Offset.Value).ToList();
            if (behind.Count == 0)
            {
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"Consumer group '{consumerGroup}' did not process {topic} within {OrderSystem.Timeout}: behind at {string.Join(", ", behind)}.");
            }
        }
    }

    private List<TopicPartition> Partitions(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var metadata = admin.GetMetadata(topic, CallTimeout);
        return metadata.Topics.Single().Partitions.Select(p => new TopicPartition(topic, new Partition(p.PartitionId))).ToList();
    }

    private IConsumer<string?, string?> Consumer(string groupId) =>
        new ConsumerBuilder<string?, string?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).SetLogHandler((_, _) => { }).Build();
}
