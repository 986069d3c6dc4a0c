using System.Buffers.Binary;

namespace DaprOrders.LocalDapr.PubSub.Kafka;

/// <summary>
/// One partition's log in memory: the record batches producers sent, each stored as received with its base offset
/// set by the broker, found by binary search on their offsets. The oldest batches are dropped once the partition
/// holds more than <see cref="KafkaBroker.RetainedBytesPerPartition"/> (a size-based retention, as `retention.bytes`); their
/// offsets are then out of range, as on a broker. A fetch waiting for data awaits <see cref="Appended"/>.
/// </summary>
internal sealed class PartitionLog
{
    private const int BaseOffsetSize = 8;
    private const int LastOffsetDeltaAt = 23;
    private const int MagicAt = 16;
    private const int MaxTimestampAt = 35;
    private const int RecordCountAt = 57;
    private const int HeaderSize = 61;

    private readonly Lock _gate = new();
    private readonly List<StoredBatch> _batches = [];
    private int _first;
    private long _bytes;
    private long _logStart;
    private long _next;
    private TaskCompletionSource _appended = NewSignal();

    /// <summary>Completes when a batch is appended; each append replaces it with a new one.</summary>
    public Task Appended
    {
        get
        {
            lock (_gate)
            {
                return _appended.Task;
            }
        }
    }

    public long HighWatermark
    {
        get
        {
            lock (_gate)
            {
                return _next;
            }
        }
    }

    public long LogStartOffset
    {
        get
        {
            lock (_gate)
            {
                return _logStart;
            }
        }
    }

    /// <summary>
    /// Appends the record batches of one produce request (magic 2, KIP-98) and returns the first offset they got,
    /// or null when a batch is not one this broker stores.
    /// </summary>
    public long? Append(byte[] records)
    {
        var batches = Split(records);
        if (batches is null)
        {
            return null;
        }

        TaskCompletionSource appended;
        long first;
        lock (_gate)
        {
            first = _next;
            foreach (var batch in batches)
            {
                BinaryPrimitives.WriteInt64BigEndian(batch, _next);
                var count = BinaryPrimitives.ReadInt32BigEndian(batch.AsSpan(LastOffsetDeltaAt)) + 1L;
                _batches.Add(new StoredBatch(_next, _next + count - 1, batch));
                _next += count;
                _bytes += batch.Length;
            }

            Trim();
            appended = _appended;
            _appended = NewSignal();
        }

        appended.TrySetResult();
        return first;
    }

    /// <summary>
    /// The batches from the one holding <paramref name="offset"/> on, at least one and then as many as fit in
    /// <paramref name="maxBytes"/> (KIP-74: a batch larger than the limit still comes back alone), with the log's
    /// ends as of the same moment. Batches are null when the offset is outside the log.
    /// </summary>
    public LogRead Read(long offset, int maxBytes)
    {
        lock (_gate)
        {
            return new LogRead(offset < _logStart || offset > _next ? null : ReadBatches(offset, maxBytes), _logStart, _next);
        }
    }

    private List<ReadOnlyMemory<byte>> ReadBatches(long offset, int maxBytes)
    {
        var batches = new List<ReadOnlyMemory<byte>>();
        var size = 0;
        for (var i = IndexOf(offset); i < _batches.Count; i++)
        {
            var bytes = _batches[i].Bytes;
            if (batches.Count > 0 && size + bytes.Length > maxBytes)
            {
                break;
            }

            batches.Add(bytes);
            size += bytes.Length;
        }

        return batches;
    }

    /// <summary>
    /// The first batch whose newest record (its max timestamp) is at or after <paramref name="timestamp"/>: that
    /// timestamp and the batch's base offset; (-1, -1) when there is none.
    /// </summary>
    public (long Timestamp, long Offset) OffsetForTimestamp(long timestamp)
    {
        lock (_gate)
        {
            for (var i = _first; i < _batches.Count; i++)
            {
                var newest = BinaryPrimitives.ReadInt64BigEndian(_batches[i].Bytes.AsSpan(MaxTimestampAt));
                if (newest >= timestamp)
                {
                    return (newest, _batches[i].BaseOffset);
                }
            }

            return (-1, -1);
        }
    }

    /// <summary>The index of the first batch that ends at or after <paramref name="offset"/>.</summary>
    private int IndexOf(long offset)
    {
        int low = _first, high = _batches.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            if (_batches[middle].LastOffset < offset)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low;
    }

    private void Trim()
    {
        while (_bytes > KafkaBroker.RetainedBytesPerPartition && _batches.Count - _first > 1)
        {
            var dropped = _batches[_first];
            _batches[_first] = default;
            _first++;
            _bytes -= dropped.Bytes.Length;
            _logStart = dropped.LastOffset + 1;
        }

        if (_first > 1024 && _first > _batches.Count / 2)
        {
            _batches.RemoveRange(0, _first);
            _first = 0;
        }
    }

    /// <summary>Splits a produce request's records into its batches; null unless each is a whole magic-2 batch.</summary>
    private static List<byte[]>? Split(byte[] records)
    {
        var batches = new List<byte[]>(1);
        var at = 0;
        while (at < records.Length)
        {
            if (records.Length - at < HeaderSize)
            {
                return null;
            }

            var size = BaseOffsetSize + 4L + BinaryPrimitives.ReadInt32BigEndian(records.AsSpan(at + BaseOffsetSize));
            if (size < HeaderSize || size > records.Length - at || records[at + MagicAt] != 2)
            {
                return null;
            }

            // Kafka's rule for a batch it appends: records in it, and its last offset delta counts them.
            var lastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(records.AsSpan(at + LastOffsetDeltaAt));
            var recordCount = BinaryPrimitives.ReadInt32BigEndian(records.AsSpan(at + RecordCountAt));
            if (recordCount <= 0 || lastOffsetDelta != recordCount - 1)
            {
                return null;
            }

            batches.Add(at == 0 && size == records.Length ? records : records.AsSpan(at, (int)size).ToArray());
            at += (int)size;
        }

        return batches.Count == 0 ? null : batches;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public sealed record LogRead(List<ReadOnlyMemory<byte>>? Batches, long LogStartOffset, long HighWatermark);

    private readonly record struct StoredBatch(long BaseOffset, long LastOffset, byte[] Bytes);
}
