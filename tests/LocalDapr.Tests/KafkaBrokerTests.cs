using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Confluent.Kafka;
using DaprOrders.LocalDapr.PubSub.Kafka;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// The runtime's Kafka broker, spoken to by librdkafka (Confluent.Kafka) as any outside client would: produce and
/// fetch, fetches answered on arrival, consumer groups and their rebalances, committed offsets, retention and
/// topic creation.
/// </summary>
public sealed class KafkaBrokerTests : IAsyncLifetime
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private readonly KafkaBroker _broker = KafkaBroker.Start(TimeProvider.System, NullLogger.Instance);
    private readonly string _topic = $"broker-{Guid.NewGuid():N}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        Assert.True(_broker.EnsureTopic(_topic));
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _broker.DisposeAsync();

    [Fact]
    public async Task Records_come_back_in_offset_order_with_their_keys_values_and_headers()
    {
        using var producer = Producer();
        var partition = new TopicPartition(_topic, 2);
        for (var i = 0; i < 3; i++)
        {
            var result = await producer.ProduceAsync(partition, new Message<string, string>
            {
                Key = $"k-{i}",
                Value = $"v-{i}",
                Headers = [new Header("n", Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))],
            }, Ct);
            Assert.Equal(i, result.Offset.Value);
        }

        using var consumer = Consumer("readers");
        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        for (var i = 0; i < 3; i++)
        {
            var record = await Task.Run(() => consumer.Consume(TestRuntime.Timeout), Ct);
            Assert.NotNull(record);
            Assert.Equal(i, record.Offset.Value);
            Assert.Equal($"k-{i}", record.Message.Key);
            Assert.Equal($"v-{i}", record.Message.Value);
            Assert.Equal($"{i}", Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes("n")));
        }
    }

    [Fact]
    public async Task A_fetch_waiting_on_an_empty_partition_is_answered_when_a_record_arrives_not_when_its_wait_ends()
    {
        // The fetch may wait 50 s; the consume below gives up after 20. Only a broker that answers the waiting fetch
        // when the record arrives (not librdkafka's mock, which holds it for the whole wait) passes.
        using var consumer = Consumer("waiters", fetchWaitMs: 50_000);
        consumer.Assign(new TopicPartitionOffset(_topic, 0, Offset.Beginning));
        Assert.Null(await Task.Run(() => consumer.Consume(TimeSpan.FromMilliseconds(500)), Ct));

        using var producer = Producer();
        await producer.ProduceAsync(new TopicPartition(_topic, 0), new Message<string, string> { Key = "k", Value = "arrived" }, Ct);

        var record = await Task.Run(() => consumer.Consume(TimeSpan.FromSeconds(20)), Ct);
        Assert.NotNull(record);
        Assert.Equal("arrived", record.Message.Value);
    }

    [Fact]
    public async Task Members_of_a_group_share_its_partitions_and_the_one_left_takes_them_all_over()
    {
        await using var first = GroupMember.Join(_broker.BootstrapServers, "sharers", _topic);
        await first.WaitForAssignmentAsync(count: 4);

        await using (var second = GroupMember.Join(_broker.BootstrapServers, "sharers", _topic))
        {
            await second.WaitForAssignmentAsync(count: 2);
            await first.WaitForAssignmentAsync(count: 2);
            Assert.Empty(first.Assigned.Intersect(second.Assigned));
        }

        await first.WaitForAssignmentAsync(count: 4);
    }

    [Fact]
    public async Task A_member_that_stops_heartbeating_is_dropped_after_its_session_timeout()
    {
        // A raw JoinGroup v0 with a 1 s session: the member is made leader of generation 1 and then never syncs
        // nor heartbeats, as a crashed consumer.
        using var silent = new TcpClient();
        await silent.ConnectAsync("127.0.0.1", _broker.Port, Ct);
        var joined = await JoinGroupV0Async(silent.GetStream(), "crashers", sessionTimeoutMs: 1_000, "range");
        Assert.Equal(KafkaErrorNone, joined.Error);
        Assert.Equal(1, joined.Generation);

        await using var member = GroupMember.Join(_broker.BootstrapServers, "crashers", _topic);
        await member.WaitForAssignmentAsync(count: 4);
    }

    [Fact]
    public async Task A_join_without_a_protocol_every_member_supports_is_refused_and_the_group_carries_on()
    {
        await using var member = GroupMember.Join(_broker.BootstrapServers, "choosers", _topic);
        await member.WaitForAssignmentAsync(count: 4);

        using var other = new TcpClient();
        await other.ConnectAsync("127.0.0.1", _broker.Port, Ct);
        Assert.Equal(KafkaErrorInconsistentGroupProtocol, (await JoinGroupV0Async(other.GetStream(), "choosers", 6_000, "not-range")).Error);
        Assert.Equal(KafkaErrorInconsistentGroupProtocol, (await JoinGroupV0Async(other.GetStream(), "choosers", 6_000)).Error);

        using var producer = Producer();
        await producer.ProduceAsync(new TopicPartition(_topic, 0), new Message<string, string> { Key = "k", Value = "still served" }, Ct);
        Assert.Equal(4, member.Assigned.Count);
    }

    [Fact]
    public async Task An_idempotent_producer_gets_a_producer_id_and_its_records_are_stored()
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = _broker.BootstrapServers,
            EnableIdempotence = true,
        }).SetLogHandler((_, _) => { }).Build();
        var partition = new TopicPartition(_topic, 1);
        var first = await producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "one" }, Ct);
        var second = await producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "two" }, Ct);
        Assert.Equal([0L, 1L], [first.Offset.Value, second.Offset.Value]);

        using var consumer = Consumer("idempotent-readers");
        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        Assert.Equal("one", (await Task.Run(() => consumer.Consume(TestRuntime.Timeout), Ct))?.Message.Value);
        Assert.Equal("two", (await Task.Run(() => consumer.Consume(TestRuntime.Timeout), Ct))?.Message.Value);
    }

    [Fact]
    public async Task Offsets_committed_by_a_group_are_read_back_by_that_group_only()
    {
        using var producer = Producer();
        var partition = new TopicPartition(_topic, 1);
        await producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "v" }, Ct);

        using (var committer = Consumer("committers"))
        {
            committer.Commit([new TopicPartitionOffset(partition, 1)]);
        }

        using var sameGroup = Consumer("committers");
        using var otherGroup = Consumer("others");
        Assert.Equal(1, Assert.Single(sameGroup.Committed([partition], CallTimeout)).Offset.Value);
        Assert.Equal(Offset.Unset, Assert.Single(otherGroup.Committed([partition], CallTimeout)).Offset);
    }

    [Fact]
    public async Task A_partition_keeps_its_newest_five_MiB_and_a_reader_from_the_beginning_starts_at_the_oldest_kept()
    {
        using var producer = Producer();
        var partition = new TopicPartition(_topic, 3);
        var value = new string('x', 900_000);
        for (var i = 0; i < 7; i++)
        {
            await producer.ProduceAsync(partition, new Message<string, string> { Key = $"{i}", Value = value }, Ct);
        }

        using var consumer = Consumer("retention");
        var marks = consumer.QueryWatermarkOffsets(partition, CallTimeout);
        Assert.Equal(7, marks.High.Value);
        Assert.InRange(marks.Low.Value, 1, (7 * 900_000 - KafkaBroker.RetainedBytesPerPartition) / 900_000 + 1);

        consumer.Assign(new TopicPartitionOffset(partition, 0));
        var first = await Task.Run(() => consumer.Consume(TestRuntime.Timeout), Ct);
        Assert.NotNull(first);
        Assert.Equal(marks.Low.Value, first.Offset.Value);
    }

    [Fact]
    public void Topics_are_created_on_first_use_with_four_partitions_and_illegal_names_are_refused()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _broker.BootstrapServers }).Build();
        var created = Assert.Single(admin.GetMetadata($"new-{Guid.NewGuid():N}", CallTimeout).Topics);
        Assert.False(created.Error.IsError);
        Assert.Equal(KafkaBroker.Partitions, created.Partitions.Count);

        var illegal = Assert.Single(admin.GetMetadata("no spaces allowed", CallTimeout).Topics);
        Assert.Equal(ErrorCode.TopicException, illegal.Error.Code);
        Assert.False(_broker.EnsureTopic("no spaces allowed"));
    }

    private const short KafkaErrorNone = 0;
    private const short KafkaErrorInconsistentGroupProtocol = 23;

    private IProducer<string, string> Producer() =>
        new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _broker.BootstrapServers, LingerMs = 0 })
            .SetLogHandler((_, _) => { }).Build();

    private IConsumer<string, string> Consumer(string groupId, int fetchWaitMs = 500) =>
        new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = _broker.BootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = fetchWaitMs,
        }).SetLogHandler((_, _) => { }).Build();

    /// <summary>JoinGroup v0 by hand: group, session timeout, no member id, protocol type and protocols (empty metadata).</summary>
    private static async Task<(short Error, int Generation)> JoinGroupV0Async(NetworkStream stream, string group, int sessionTimeoutMs, params string[] protocols)
    {
        var body = new List<byte>();
        void Int16(short v) => body.AddRange([(byte)(v >> 8), (byte)v]);
        void Int32(int v) => body.AddRange([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
        void String(string s)
        {
            Int16((short)s.Length);
            body.AddRange(Encoding.UTF8.GetBytes(s));
        }

        Int16(11);
        Int16(0);
        Int32(7);
        String("silent");
        String(group);
        Int32(sessionTimeoutMs);
        String("");
        String("consumer");
        Int32(protocols.Length);
        foreach (var protocol in protocols)
        {
            String(protocol);
            Int32(0);
        }

        var frame = new byte[4 + body.Count];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Count);
        body.CopyTo(frame, 4);
        await stream.WriteAsync(frame, Ct);

        var size = new byte[4];
        await stream.ReadExactlyAsync(size, Ct);
        var response = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await stream.ReadExactlyAsync(response, Ct);
        Assert.Equal(7, BinaryPrimitives.ReadInt32BigEndian(response));
        return (BinaryPrimitives.ReadInt16BigEndian(response.AsSpan(4)), BinaryPrimitives.ReadInt32BigEndian(response.AsSpan(6)));
    }

    /// <summary>A subscribed consumer polled on its own thread, whose assignments the test can await.</summary>
    private sealed class GroupMember : IAsyncDisposable
    {
        private readonly IConsumer<string, string> _consumer;
        private readonly CancellationTokenSource _stop = new();
        private readonly Lock _gate = new();
        private readonly Thread _poll;
        private List<TopicPartition> _assigned = [];
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private GroupMember(string bootstrapServers, string groupId, string topic)
        {
            _consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
            {
                BootstrapServers = bootstrapServers,
                GroupId = groupId,
                HeartbeatIntervalMs = 200,
                SessionTimeoutMs = 6_000,
                PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
            })
                .SetPartitionsAssignedHandler((_, partitions) => Publish(partitions))
                .SetPartitionsRevokedHandler((_, _) => Publish([]))
                .SetLogHandler((_, _) => { })
                .Build();
            _consumer.Subscribe(topic);
            _poll = new Thread(() =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    _consumer.Consume(TimeSpan.FromMilliseconds(100));
                }
            }) { IsBackground = true };
            _poll.Start();
        }

        public List<TopicPartition> Assigned
        {
            get
            {
                lock (_gate)
                {
                    return _assigned;
                }
            }
        }

        public static GroupMember Join(string bootstrapServers, string groupId, string topic) => new(bootstrapServers, groupId, topic);

        public async Task WaitForAssignmentAsync(int count)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            deadline.CancelAfter(TestRuntime.Timeout);
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_assigned.Count == count)
                    {
                        return;
                    }

                    changed = _changed.Task;
                }

                await changed.WaitAsync(deadline.Token);
            }
        }

        private void Publish(List<TopicPartition> partitions)
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                _assigned = partitions;
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.Run(() =>
            {
                _poll.Join();
                _consumer.Close();
                _consumer.Dispose();
            });
            _stop.Dispose();
        }
    }
}
