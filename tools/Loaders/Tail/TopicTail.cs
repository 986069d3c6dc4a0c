using Confluent.Kafka;
using DaprOrders.Loaders.Cli;

namespace DaprOrders.Loaders.Tail;

/// <summary>
/// Reads a topic straight from Kafka, as kcat would: all its partitions assigned to one consumer (no consumer
/// group rebalance to wait for, nothing committed), from the first or from the next record.
/// </summary>
internal sealed class TopicTail(string bootstrapServers, TimeSpan connectTimeout)
{
    public async Task<int> RunAsync(string topic, bool fromBeginning, int? maxRecords, bool envelope, TextWriter output, CancellationToken cancellationToken)
    {
        var partitions = await Task.Run(() => PartitionsOf(topic), cancellationToken);
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            // Required by the client even though nothing is committed; unique so no real group is disturbed.
            GroupId = $"loaders-tail-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
        var start = fromBeginning ? Offset.Beginning : Offset.End;
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p, start)));

        // Consume blocks, so the loop gets a thread of its own; cancelling the token ends it.
        return await Task.Run(
            () =>
            {
                var read = 0;
                while (maxRecords is null || read < maxRecords)
                {
                    var record = consumer.Consume(cancellationToken);
                    output.WriteLine(KafkaRecordText.Format(
                        record.Topic, record.Partition.Value, record.Offset.Value, record.Message.Key, record.Message.Value, envelope));
                    output.Flush();
                    read++;
                }

                consumer.Close();
                return ExitCodes.Ok;
            },
            cancellationToken);
    }

    private List<Partition> PartitionsOf(string topic)
    {
        var config = new AdminClientConfig { BootstrapServers = bootstrapServers };
        using var admin = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
        Metadata metadata;
        try
        {
            metadata = admin.GetMetadata(topic, connectTimeout);
        }
        catch (KafkaException e)
        {
            throw new LoaderException($"Cannot reach Kafka at {bootstrapServers}: {e.Error.Reason}", e);
        }

        var found = metadata.Topics.FirstOrDefault(t => t.Topic == topic);
        if (found is null || found.Error.IsError || found.Partitions.Count == 0)
        {
            throw new LoaderException($"Topic '{topic}' is not available at {bootstrapServers}: {found?.Error.Reason ?? "not in the cluster's metadata"}");
        }

        return [.. found.Partitions.Select(p => new Partition(p.PartitionId))];
    }
}
