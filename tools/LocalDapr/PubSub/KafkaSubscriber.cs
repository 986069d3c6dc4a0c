using System.Threading.Channels;
using Confluent.Kafka;

namespace DaprOrders.LocalDapr.PubSub;

/// <summary>
/// One app instance's consumer of one pub/sub component: a Kafka consumer in the component's consumer group,
/// subscribed to every topic the app subscribes to there. As pubsub.kafka (consumer.go ConsumeClaim), each
/// assigned partition has its own loop that hands one message at a time to the app and moves on only when it is
/// done; partitions run concurrently. An offset is marked only once its message succeeded, was dropped or was
/// dead-lettered, so whatever was in flight when the app died is delivered again to the group. Marked offsets are
/// committed in the background every second and whenever a partition is given up, as pubsub.kafka does (it marks
/// each handled message and leaves committing to Sarama's auto-commit, on by default, every second): a commit per
/// message would block a thread-pool thread on a broker round trip for each one.
/// </summary>
internal sealed class KafkaSubscriber : IAsyncDisposable
{
    /// <summary>
    /// How long a rebalance or a stop waits for the message in flight before cancelling it (it is then redelivered).
    /// </summary>
    private static readonly TimeSpan InFlightGrace = TimeSpan.FromSeconds(5);

    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly MessageHandler _handler;
    private readonly ILogger _logger;
    private readonly AutoOffsetReset _initialOffset;
    private readonly Lock _gate = new();
    private readonly Dictionary<TopicPartition, PartitionWorker> _workers = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _loop;

    public KafkaSubscriber(string bootstrapServers, string groupId, PubSubComponent component, IReadOnlyCollection<string> topics, MessageHandler handler, ILogger logger)
    {
        GroupId = groupId;
        Topics = topics;
        _handler = handler;
        _logger = logger;
        _initialOffset = component.InitialOffset;
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            // librdkafka commits the stored offsets on this interval, before a revoked partition is handed over and
            // on close; an offset is stored only once its message is handled (MarkHandled).
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            AutoCommitIntervalMs = 1_000,
            AutoOffsetReset = _initialOffset,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
            // The component's group timeouts, as pubsub.kafka hands them to Sarama (Consumer.Group.Heartbeat.Interval,
            // Consumer.Group.Session.Timeout).
            SessionTimeoutMs = (int)component.SessionTimeout.TotalMilliseconds,
            HeartbeatIntervalMs = (int)component.HeartbeatInterval.TotalMilliseconds,
            // Also the rebalance timeout librdkafka sends with a join: how long a rebalance waits for members that have
            // not joined again. librdkafka needs it at least the session timeout.
            MaxPollIntervalMs = Math.Max(10_000, (int)component.SessionTimeout.TotalMilliseconds),
            // The broker answers a waiting fetch as soon as a record arrives, so the wait costs no latency; it only
            // sets how often an idle consumer asks (librdkafka's default, 500 ms).
            FetchWaitMaxMs = 500,
        };
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetPartitionsAssignedHandler(OnAssigned)
            .SetPartitionsRevokedHandler((_, revoked) => StopWorkers(revoked.Select(p => p.TopicPartition)))
            .SetPartitionsLostHandler((_, lost) => StopWorkers(lost.Select(p => p.TopicPartition)))
            .SetErrorHandler((_, error) => logger.LogDebug("Kafka consumer {Group}: {Error}", groupId, error.Reason))
            .SetLogHandler((_, _) => { })
            .Build();
    }

    public string GroupId { get; }

    public IReadOnlyCollection<string> Topics { get; }

    /// <summary>
    /// Subscribes and waits until the group has given this consumer its partitions, so that events published
    /// afterwards reach it even when the group starts at the newest offset.
    /// </summary>
    public async Task StartAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _consumer.Subscribe(Topics);
        _loop = new Thread(ConsumeLoop) { IsBackground = true, Name = $"kafka-{GroupId}" };
        _loop.Start();
        try
        {
            await _assigned.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Kafka consumer group {Group} got no partitions within {Timeout}; it keeps trying", GroupId, timeout);
        }
    }

    private void ConsumeLoop()
    {
        while (!_stopping.IsCancellationRequested)
        {
            ConsumeResult<byte[]?, byte[]?>? record;
            try
            {
                record = _consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (ConsumeException e)
            {
                _logger.LogDebug("Kafka consumer {Group}: {Error}", GroupId, e.Error.Reason);
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
            lock (_gate)
            {
                _workers.TryGetValue(record.TopicPartition, out worker);
            }

            worker?.Enqueue(record);
        }
    }

    /// <summary>
    /// Starts a worker per partition, from the committed offset or, for a group without one, from the oldest or
    /// the newest offset as of now (explicitly, so nothing published after the assignment is skipped).
    /// </summary>
    private IEnumerable<TopicPartitionOffset> OnAssigned(IConsumer<byte[]?, byte[]?> c, List<TopicPartition> partitions)
    {
        var positions = new List<TopicPartitionOffset>();
        var committed = partitions.Count == 0 ? [] : c.Committed(partitions, TimeSpan.FromSeconds(10));
        foreach (var partition in committed)
        {
            var offset = partition.Offset;
            if (offset.IsSpecial)
            {
                offset = _initialOffset == AutoOffsetReset.Latest
                    ? c.QueryWatermarkOffsets(partition.TopicPartition, TimeSpan.FromSeconds(10)).High
                    : Offset.Beginning;
            }

            positions.Add(new TopicPartitionOffset(partition.TopicPartition, offset));
            var worker = new PartitionWorker(partition.TopicPartition, _handler, MarkHandled, _logger);
            lock (_gate)
            {
                _workers[partition.TopicPartition] = worker;
            }
        }

        _logger.LogDebug("Kafka consumer group {Group} assigned {Partitions}", GroupId, string.Join(", ", positions));
        _assigned.TrySetResult();
        return positions;
    }

    private void StopWorkers(IEnumerable<TopicPartition> partitions)
    {
        var stopped = new List<PartitionWorker>();
        lock (_gate)
        {
            foreach (var partition in partitions)
            {
                if (_workers.Remove(partition, out var worker))
                {
                    stopped.Add(worker);
                }
            }
        }

        // Runs on the consumer's thread inside the rebalance: the group waits until in-flight messages are done and
        // marked; librdkafka then commits the marked offsets before it gives the partitions up, so the partition's
        // next owner starts right after them.
        Task.WhenAll(stopped.Select(w => w.StopAsync(InFlightGrace))).GetAwaiter().GetResult();
    }

    private void MarkHandled(ConsumeResult<byte[]?, byte[]?> record)
    {
        try
        {
            // Stores offset + 1 in memory; the next background commit sends it.
            _consumer.StoreOffset(record);
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException or InvalidOperationException)
        {
            // The partition moved to another member meanwhile; the message will be delivered again there.
            _logger.LogWarning("Kafka consumer {Group}: marking {Topic}/{Partition}@{Offset} handled failed: {Error}",
                GroupId, record.Topic, record.Partition.Value, record.Offset.Value, e.Message);
        }
    }

    /// <summary>
    /// Stops delivering (in-flight messages get <see cref="InFlightGrace"/>), leaves the group so the other
    /// members take the partitions over, and closes the consumer.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await Task.Run(() => _loop.Join());
        }

        List<TopicPartition> all;
        lock (_gate)
        {
            all = [.. _workers.Keys];
        }

        await Task.Run(() =>
        {
            StopWorkers(all);
            try
            {
                _consumer.Close();
            }
            catch (KafkaException e)
            {
                _logger.LogDebug("Kafka consumer {Group}: close: {Error}", GroupId, e.Message);
            }

            _consumer.Dispose();
        });
        _stopping.Dispose();
    }

    /// <summary>
    /// One partition's loop: one message at a time, in offset order.
    /// </summary>
    private sealed class PartitionWorker : IDisposable
    {
        private readonly Channel<ConsumeResult<byte[]?, byte[]?>> _queue = Channel.CreateUnbounded<ConsumeResult<byte[]?, byte[]?>>(
            new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        private readonly CancellationTokenSource _cancel = new();
        private readonly Task _run;
        private volatile bool _stopping;

        public PartitionWorker(TopicPartition partition, MessageHandler handler, Action<ConsumeResult<byte[]?, byte[]?>> markHandled, ILogger logger)
        {
            _run = Task.Run(async () =>
            {
                try
                {
                    await foreach (var record in _queue.Reader.ReadAllAsync(_cancel.Token))
                    {
                        if (_stopping)
                        {
                            return;
                        }

                        if (await handler.HandleAsync(record, _cancel.Token))
                        {
                            markHandled(record);
                        }
                    }
                }
                catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
                {
                }
                catch (Exception e)
                {
                    logger.LogError(e, "Delivery loop of {Partition} failed; its messages will be delivered again after a rebalance", partition);
                }
            });
        }

        public void Enqueue(ConsumeResult<byte[]?, byte[]?> record) => _queue.Writer.TryWrite(record);

        public async Task StopAsync(TimeSpan grace)
        {
            _stopping = true;
            _queue.Writer.TryComplete();
            try
            {
                await _run.WaitAsync(grace);
            }
            catch (TimeoutException)
            {
                await _cancel.CancelAsync();
                await _run;
            }

            Dispose();
        }

        public void Dispose() => _cancel.Dispose();
    }
}
