using System.Buffers.Binary;
using System.Text;

namespace DaprOrders.LocalDapr.PubSub.Kafka;

/// <summary>
/// Writes one Kafka response: a 4-byte size (filled in by <see cref="ToFrame"/>), then the fields in the protocol's
/// primitive types.
/// </summary>
internal sealed class KafkaWriter
{
    private byte[] _buffer = new byte[256];
    private int _length = 4;

    public KafkaWriter Int8(sbyte value)
    {
        Reserve(1)[0] = (byte)value;
        return this;
    }

    public KafkaWriter Boolean(bool value) => Int8(value ? (sbyte)1 : (sbyte)0);

    public KafkaWriter Int16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(Reserve(2), value);
        return this;
    }

    public KafkaWriter Int32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);
        return this;
    }

    public KafkaWriter Int64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);
        return this;
    }

    public KafkaWriter UnsignedVarint(uint value)
    {
        while (value >= 0x80)
        {
            Reserve(1)[0] = (byte)(value | 0x80);
            value >>= 7;
        }

        Reserve(1)[0] = (byte)value;
        return this;
    }

    public KafkaWriter String(string? value)
    {
        if (value is null)
        {
            return Int16(-1);
        }

        var size = Encoding.UTF8.GetByteCount(value);
        Int16(checked((short)size));
        Encoding.UTF8.GetBytes(value, Reserve(size));
        return this;
    }

    public KafkaWriter Bytes(ReadOnlySpan<byte> value)
    {
        Int32(value.Length);
        value.CopyTo(Reserve(value.Length));
        return this;
    }

    public KafkaWriter NullableBytes(byte[]? value) => value is null ? Int32(-1) : Bytes(value);

    /// <summary>Record batches as a fetch returns them: one int32 size, then the stored batches back to back.</summary>
    public KafkaWriter Records(IReadOnlyList<ReadOnlyMemory<byte>> batches)
    {
        var size = 0;
        foreach (var batch in batches)
        {
            size += batch.Length;
        }

        Int32(size);
        foreach (var batch in batches)
        {
            batch.Span.CopyTo(Reserve(batch.Length));
        }

        return this;
    }

    public KafkaWriter Array<T>(IReadOnlyCollection<T> items, Action<KafkaWriter, T> item)
    {
        Int32(items.Count);
        foreach (var value in items)
        {
            item(this, value);
        }

        return this;
    }

    /// <summary>A flexible version's array: its count plus one as an unsigned varint.</summary>
    public KafkaWriter CompactArray<T>(IReadOnlyCollection<T> items, Action<KafkaWriter, T> item)
    {
        UnsignedVarint((uint)items.Count + 1);
        foreach (var value in items)
        {
            item(this, value);
        }

        return this;
    }

    public KafkaWriter NoTaggedFields() => UnsignedVarint(0);

    /// <summary>The response with its size prefix, ready to send.</summary>
    public ReadOnlyMemory<byte> ToFrame()
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer, _length - 4);
        return _buffer.AsMemory(0, _length);
    }

    private Span<byte> Reserve(int size)
    {
        if (_length + size > _buffer.Length)
        {
            System.Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + size));
        }

        var span = _buffer.AsSpan(_length, size);
        _length += size;
        return span;
    }
}
