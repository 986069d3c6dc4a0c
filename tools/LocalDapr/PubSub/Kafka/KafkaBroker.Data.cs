namespace DaprOrders.LocalDapr.PubSub.Kafka;

/// <summary>Metadata, Produce, Fetch and ListOffsets, in the versions <see cref="KafkaApis"/> announces.</summary>
public sealed partial class KafkaBroker
{
    private const long LatestTimestamp = -1;
    private const long EarliestTimestamp = -2;

    /// <summary>
    /// Metadata v1-v4: this one node leads every partition. A named topic that does not exist is created (before
    /// v4 always, from v4 when the client allows it), as a broker with `auto.create.topics.enable` does.
    /// </summary>
    private KafkaWriter Metadata(Request call, KafkaWriter response)
    {
        var names = call.Body.NullableArray(r => r.String());
        var autoCreate = call.Version < 4 || call.Body.Boolean();
        if (call.Version >= 3)
        {
            response.Int32(0);
        }

        response.Array([NodeId], (w, node) => w.Int32(node).String(Host).Int32(Port).String(null));
        if (call.Version >= 2)
        {
            response.String("localdapr");
        }

        response.Int32(NodeId);
        var topics = names ?? [.. _topics.Keys.Order(StringComparer.Ordinal)];
        return response.Array(topics, (w, name) =>
        {
            var logs = TopicLogs(name, autoCreate);
            var error = logs is not null ? KafkaErrors.None
                : IsLegalTopicName(name) ? KafkaErrors.UnknownTopicOrPartition
                : KafkaErrors.InvalidTopic;
            w.Int16(error).String(name).Boolean(false);
            w.Array(Enumerable.Range(0, logs?.Length ?? 0).ToList(), (p, index) =>
                p.Int16(KafkaErrors.None).Int32(index).Int32(NodeId).Array([NodeId], (n, id) => n.Int32(id)).Array([NodeId], (n, id) => n.Int32(id)));
        });
    }

    /// <summary>Produce v3: each partition's record batches are appended as sent, with offsets the log assigns.</summary>
    private KafkaWriter? Produce(Request call, KafkaWriter response)
    {
        _ = call.Body.NullableString();
        var acks = call.Body.Int16();
        _ = call.Body.Int32();
        var topics = call.Body.Array(r => (Name: r.String(), Partitions: r.Array(p => (Index: p.Int32(), Records: p.NullableBytes()))));
        var results = topics.Select(topic => (topic.Name, Partitions: topic.Partitions.Select(p =>
        {
            var log = Partition(topic.Name, p.Index);
            if (log is null)
            {
                return new ProducedPartition(p.Index, KafkaErrors.UnknownTopicOrPartition, -1);
            }

            var baseOffset = p.Records is null ? null : log.Append(p.Records);
            return baseOffset is null
                ? new ProducedPartition(p.Index, KafkaErrors.CorruptMessage, -1)
                : new ProducedPartition(p.Index, KafkaErrors.None, baseOffset.Value);
        }).ToList())).ToList();

        if (acks == 0)
        {
            return null;
        }

        return response
            .Array(results, (w, topic) => w.String(topic.Name).Array(topic.Partitions, (p, r) =>
                p.Int32(r.Index).Int16(r.Error).Int64(r.BaseOffset).Int64(-1)))
            .Int32(0);
    }

    /// <summary>
    /// Fetch v4-v5: answered at once when a requested partition has records at its offset, else when a record
    /// arrives on one of them or after `max_wait_ms`. Every record is committed (no transactions), so the last
    /// stable offset is the high watermark.
    /// </summary>
    private async Task<KafkaWriter> FetchAsync(Request call, KafkaWriter response, CancellationToken cancellationToken)
    {
        var body = call.Body;
        _ = body.Int32();
        var maxWait = TimeSpan.FromMilliseconds(Math.Max(0, body.Int32()));
        // A fetch that asks for no bytes at least is answered at once.
        if (body.Int32() <= 0)
        {
            maxWait = TimeSpan.Zero;
        }

        var maxBytes = body.Int32();
        _ = body.Int8();
        var version = call.Version;
        var wanted = body.Array(r => (Topic: r.String(), Partitions: r.Array(p =>
        {
            var partition = p.Int32();
            var offset = p.Int64();
            if (version >= 5)
            {
                _ = p.Int64();
            }

            return (Partition: partition, Offset: offset, MaxBytes: p.Int32());
        })));

        var deadline = _time.GetTimestamp() + (long)(maxWait.TotalSeconds * _time.TimestampFrequency);
        while (true)
        {
            // The signals are taken before the logs are read, so a record appended in between wakes the wait.
            var arrivals = wanted.SelectMany(t => t.Partitions.Select(p => Partition(t.Topic, p.Partition)?.Appended))
                .OfType<Task>().ToList();
            var (results, found) = ReadPartitions(wanted, maxBytes);
            var remaining = _time.GetElapsedTime(_time.GetTimestamp(), deadline);
            if (found || remaining <= TimeSpan.Zero || arrivals.Count == 0)
            {
                return WriteFetch(response, version, results);
            }

            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timeout = Task.Delay(remaining, _time, waiting.Token);
            await Task.WhenAny([timeout, .. arrivals]);
            await waiting.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Reads each partition; "found" when one has records or an error (either is answered at once, as a broker
    /// does). Once the fetch's byte budget is spent, later partitions come back empty (KIP-74: only the first
    /// batch may exceed it).
    /// </summary>
    private (List<FetchedTopic> Results, bool Found) ReadPartitions(
        List<(string Topic, List<(int Partition, long Offset, int MaxBytes)> Partitions)> wanted, int maxBytes)
    {
        var found = false;
        var anyRecords = false;
        var budget = maxBytes;
        var results = wanted.Select(topic => new FetchedTopic(topic.Topic, [.. topic.Partitions.Select(p =>
        {
            var log = Partition(topic.Topic, p.Partition);
            if (log is null)
            {
                found = true;
                return new FetchedPartition(p.Partition, KafkaErrors.UnknownTopicOrPartition, -1, -1, []);
            }

            var read = log.Read(p.Offset, Math.Min(p.MaxBytes, Math.Max(budget, 0)));
            if (read.Batches is null)
            {
                found = true;
                return new FetchedPartition(p.Partition, KafkaErrors.OffsetOutOfRange, read.HighWatermark, read.LogStartOffset, []);
            }

            var batches = anyRecords && budget <= 0 ? [] : read.Batches;
            var size = batches.Sum(b => b.Length);
            budget -= size;
            anyRecords |= size > 0;
            found |= size > 0;
            return new FetchedPartition(p.Partition, KafkaErrors.None, read.HighWatermark, read.LogStartOffset, batches);
        })])).ToList();
        return (results, found);
    }

    private static KafkaWriter WriteFetch(KafkaWriter response, short version, List<FetchedTopic> results) => response
        .Int32(0)
        .Array(results, (w, topic) => w.String(topic.Name).Array(topic.Partitions, (p, r) =>
        {
            p.Int32(r.Index).Int16(r.Error).Int64(r.HighWatermark).Int64(r.HighWatermark);
            if (version >= 5)
            {
                p.Int64(r.LogStartOffset);
            }

            p.Int32(0).Records(r.Batches);
        }));

    /// <summary>
    /// ListOffsets v1-v2: the earliest (-2) and latest (-1) offsets; for a timestamp, the first batch whose newest
    /// record is at or after it (records are looked up by batch, which is one record per produce here).
    /// </summary>
    private KafkaWriter ListOffsets(Request call, KafkaWriter response)
    {
        _ = call.Body.Int32();
        if (call.Version >= 2)
        {
            _ = call.Body.Int8();
            response.Int32(0);
        }

        var topics = call.Body.Array(r => (Name: r.String(), Partitions: r.Array(p => (Index: p.Int32(), Timestamp: p.Int64()))));
        return response.Array(topics, (w, topic) => w.String(topic.Name).Array(topic.Partitions, (p, r) =>
        {
            var log = Partition(topic.Name, r.Index);
            if (log is null)
            {
                p.Int32(r.Index).Int16(KafkaErrors.UnknownTopicOrPartition).Int64(-1).Int64(-1);
                return;
            }

            var (timestamp, offset) = r.Timestamp switch
            {
                LatestTimestamp => (-1L, log.HighWatermark),
                EarliestTimestamp => (-1L, log.LogStartOffset),
                var at => log.OffsetForTimestamp(at),
            };
            p.Int32(r.Index).Int16(KafkaErrors.None).Int64(timestamp).Int64(offset);
        }));
    }

    private readonly record struct ProducedPartition(int Index, short Error, long BaseOffset);

    private sealed record FetchedTopic(string Name, List<FetchedPartition> Partitions);

    private sealed record FetchedPartition(int Index, short Error, long HighWatermark, long LogStartOffset, List<ReadOnlyMemory<byte>> Batches);
}
