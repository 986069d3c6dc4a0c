using System.Buffers.Binary;
using System.Text;

namespace DaprOrders.LocalDapr.PubSub.Kafka;

/// <summary>
/// Reads the Kafka protocol's primitive types (big-endian integers, int16-length strings, int32-length bytes,
/// int32-count arrays and, for flexible versions, unsigned varints and tagged fields) from one request.
/// </summary>
internal sealed class KafkaReader(byte[] buffer, int length)
{
    private int _position;

    public bool AtEnd => _position >= length;

    public sbyte Int8() => (sbyte)Take(1)[0];

    public bool Boolean() => Take(1)[0] != 0;

    public short Int16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public int Int32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long Int64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public uint UnsignedVarint()
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var next = Take(1)[0];
            value |= (uint)(next & 0x7F) << shift;
            if ((next & 0x80) == 0)
            {
                return value;
            }
        }

        throw new FormatException("An unsigned varint is longer than five bytes.");
    }

    public string String() => NullableString() ?? throw new FormatException("A required string is null.");

    public string? NullableString()
    {
        var size = Int16();
        return size < 0 ? null : Encoding.UTF8.GetString(Take(size));
    }

    /// <summary>A flexible version's string: its length plus one as an unsigned varint, 0 for null.</summary>
    public string? CompactString()
    {
        var size = (int)UnsignedVarint() - 1;
        return size < 0 ? null : Encoding.UTF8.GetString(Take(size));
    }

    public byte[]? NullableBytes()
    {
        var size = Int32();
        return size < 0 ? null : Take(size).ToArray();
    }

    /// <summary>An int32-count array, null for a count of -1.</summary>
    public List<T>? NullableArray<T>(Func<KafkaReader, T> item)
    {
        var count = Int32();
        if (count < 0)
        {
            return null;
        }

        var items = new List<T>(Math.Min(count, 1024));
        for (var i = 0; i < count; i++)
        {
            items.Add(item(this));
        }

        return items;
    }

    public List<T> Array<T>(Func<KafkaReader, T> item) => NullableArray(item) ?? [];

    /// <summary>Skips a flexible version's tagged fields: none of them matter to this broker.</summary>
    public void SkipTaggedFields()
    {
        var count = UnsignedVarint();
        for (var i = 0; i < count; i++)
        {
            _ = UnsignedVarint();
            Take((int)UnsignedVarint());
        }
    }

    private ReadOnlySpan<byte> Take(int size)
    {
        if (size < 0 || _position + size > length)
        {
            throw new FormatException("The request ends before its fields do.");
        }

        var span = buffer.AsSpan(_position, size);
        _position += size;
        return span;
    }
}
