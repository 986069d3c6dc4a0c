using System.Threading.Channels;
using Confluent.Kafka;

namespace DaprOrders.LocalDapr.PubSub;

/// One app instance's consumer of one pub/sub component: a Kafka consumer in the component's consumer group,
/// subscribed to every topic the app subscribes to there. As pubsub.kafka (consumer.go ConsumeClaim), each
/// assigned partition has its own loop that hands one message at a time to the app and moves on only when it is
/// done; partitions run concurrently. An offset is committed only once its message succeeded, was dropped or was
/// dead-lettered, so whatever was in flight when the app died is delivered again to the group.
internal sealed class KafkaSubscriber : IAsyncDisposable
{
    /// How long a rebalance or a stop waits for the message in flight before cancelling it (it is then redelivered).
    private static readonly TimeSpan InFlightGrace = TimeSpan.FromSeconds(5);

    private readonly IConsumer<byte[]?, byte[]?> consumer;
    private readonly MessageHandler handler;
    private readonly ILogger logger;
    private readonly AutoOffsetReset initialOffset;
    private readonly Lock gate = new();
    private readonly Dictionary<TopicPartition, PartitionWorker> workers = [];
    private readonly CancellationTokenSource stopping = new();
    private readonly TaskCompletionSource assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? loop;

    public KafkaSubscriber(string bootstrapServers, string groupId, AutoOffsetReset initialOffset, IReadOnlyCollection<string> topics, MessageHandler handler, ILogger logger)
    {
        GroupId = groupId;
        Topics = topics;
        this.handler = handler;
        this.logger = logger;
        this.initialOffset = initialOffset;
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            AutoOffsetReset = initialOffset,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
            // Short group timeouts: the mock coordinator completes a rebalance only after members rejoin or these
            // pass, and the stop of an instance should hand its partitions over quickly.
            SessionTimeoutMs = 6_000,
            HeartbeatIntervalMs = 500,
            MaxPollIntervalMs = 10_000,
            // librdkafka's mock broker answers an empty fetch only after the full wait, even when a record arrives
            // meanwhile, so each hop took ~500 ms (the default) and an order ~1 s to be validated. 100 ms: ~0.2 s
            // per order, for a little more idle polling.
            FetchWaitMaxMs = 100,
        };
        consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetPartitionsAssignedHandler(OnAssigned)
            .SetPartitionsRevokedHandler((_, revoked) => StopWorkers(revoked.Select(p => p.TopicPartition)))
            .SetPartitionsLostHandler((_, lost) => StopWorkers(lost.Select(p => p.TopicPartition)))
            .SetErrorHandler((_, error) => logger.LogDebug("Kafka consumer {Group}: {Error}", groupId, error.Reason))
            .SetLogHandler((_, _) => { })
            .Build();
    }

    public string GroupId { get; }

    public IReadOnlyCollection<string> Topics { get; }

    /// Subscribes and waits until the group has given this consumer its partitions, so that events published
    /// afterwards reach it even when the group starts at the newest offset.
    public async Task StartAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        consumer.Subscribe(Topics);
        loop = new Thread(ConsumeLoop) { IsBackground = true, Name = $"kafka-{GroupId}" };
        loop.Start();
        try
        {
            await assigned.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Kafka consumer group {Group} got no partitions within {Timeout}; it keeps trying", GroupId, timeout);
        }
    }

    private void ConsumeLoop()
    {
        while (!stopping.IsCancellationRequested)
        {
            ConsumeResult<byte[]?, byte[]?>? record;
            try
            {
                record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (ConsumeException e)
            {
                logger.LogDebug("Kafka consumer {Group}: {Error}", GroupId, e.Error.Reason);
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            if (record is null || record.IsPartitionEOF)
            {
                continue;
            }

            PartitionWorker? worker;
            lock (gate)
            {
                workers.TryGetValue(record.TopicPartition, out worker);
            }

            worker?.Enqueue(record);
        }
    }

    /// Starts a worker per partition, from the committed offset or, for a group without one, from the oldest or
    /// the newest offset as of now (explicitly, so nothing published after the assignment is skipped).
    private IEnumerable<TopicPartitionOffset> OnAssigned(IConsumer<byte[]?, byte[]?> c, List<TopicPartition> partitions)
    {
        var positions = new List<TopicPartitionOffset>();
        var committed = partitions.Count == 0 ? [] : c.Committed(partitions, TimeSpan.FromSeconds(10));
        foreach (var partition in committed)
        {
            var offset = partition.Offset;
            if (offset.IsSpecial)
            {
                offset = initialOffset == AutoOffsetReset.Latest
                    ? c.QueryWatermarkOffsets(partition.TopicPartition, TimeSpan.FromSeconds(10)).High
                    : Offset.Beginning;
            }

            positions.Add(new TopicPartitionOffset(partition.TopicPartition, offset));
            var worker = new PartitionWorker(partition.TopicPartition, handler, Commit, logger);
            lock (gate)
            {
                workers[partition.TopicPartition] = worker;
            }
        }

        logger.LogDebug("Kafka consumer group {Group} assigned {Partitions}", GroupId, string.Join(", ", positions));
        assigned.TrySetResult();
        return positions;
    }

    private void StopWorkers(IEnumerable<TopicPartition> partitions)
    {
        var stopped = new List<PartitionWorker>();
        lock (gate)
        {
            foreach (var partition in partitions)
            {
                if (workers.Remove(partition, out var worker))
                {
                    stopped.Add(worker);
                }
            }
        }

        // Runs on the consumer's thread inside the rebalance: the group waits until in-flight messages are done and
        // committed, so the partition's next owner starts right after them.
        Task.WhenAll(stopped.Select(w => w.StopAsync(InFlightGrace))).GetAwaiter().GetResult();
    }

    private void Commit(ConsumeResult<byte[]?, byte[]?> record)
    {
        try
        {
            consumer.Commit([new TopicPartitionOffset(record.TopicPartition, record.Offset + 1)]);
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException or InvalidOperationException)
        {
            // The partition moved to another member meanwhile; the message will be delivered again there.
            logger.LogWarning("Kafka consumer {Group}: commit of {Topic}/{Partition}@{Offset} failed: {Error}",
                GroupId, record.Topic, record.Partition.Value, record.Offset.Value, e.Message);
        }
    }

    /// Stops delivering (in-flight messages get <see cref="InFlightGrace"/>), leaves the group so the other
    /// members take the partitions over, and closes the consumer.
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (loop is not null)
        {
            await Task.Run(() => loop.Join());
        }

        List<TopicPartition> all;
        lock (gate)
        {
            all = [.. workers.Keys];
        }

        await Task.Run(() =>
        {
            StopWorkers(all);
            try
            {
                consumer.Close();
            }
            catch (KafkaException e)
            {
                logger.LogDebug("Kafka consumer {Group}: close: {Error}", GroupId, e.Message);
            }

            consumer.Dispose();
        });
        stopping.Dispose();
    }

    /// One partition's loop: one message at a time, in offset order.
    private sealed class PartitionWorker : IDisposable
    {
        private readonly Channel<ConsumeResult<byte[]?, byte[]?>> queue = Channel.CreateUnbounded<ConsumeResult<byte[]?, byte[]?>>(
            new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        private readonly CancellationTokenSource cancel = new();
        private readonly Task run;
        private volatile bool stopping;

        public PartitionWorker(TopicPartition partition, MessageHandler handler, Action<ConsumeResult<byte[]?, byte[]?>> commit, ILogger logger)
        {
            run = Task.Run(async () =>
            {
                try
                {
                    await foreach (var record in queue.Reader.ReadAllAsync(cancel.Token))
                    {
                        if (stopping)
                        {
                            return;
                        }

                        if (await handler.HandleAsync(record, cancel.Token))
                        {
                            commit(record);
                        }
                    }
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                }
                catch (Exception e)
                {
                    logger.LogError(e, "Delivery loop of {Partition} failed; its messages will be delivered again after a rebalance", partition);
                }
            });
        }

        public void Enqueue(ConsumeResult<byte[]?, byte[]?> record) => queue.Writer.TryWrite(record);

        public async Task StopAsync(TimeSpan grace)
        {
            stopping = true;
            queue.Writer.TryComplete();
            try
            {
                await run.WaitAsync(grace);
            }
            catch (TimeoutException)
            {
                await cancel.CancelAsync();
                await run;
            }

            Dispose();
        }

        public void Dispose() => cancel.Dispose();
    }
}
