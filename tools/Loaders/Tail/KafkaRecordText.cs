using System.Text;
using System.Text.Json;

namespace DaprOrders.Loaders.Tail;

/// <summary>
/// One line per Kafka record: `topic/partition@offset key=... source=... data`. Dapr stores each published
/// event as a CloudEvent; the line shows its `data` (or, with the envelope, the whole event). Records that are no
/// CloudEvent are shown as text.
/// </summary>
internal static class KafkaRecordText
{
    public static string Format(string topic, int partition, long offset, byte[]? key, byte[]? value, bool envelope)
    {
        var head = $"{topic}/{partition}@{offset} key={(key is null ? "-" : Encoding.UTF8.GetString(key))}";
        if (value is null)
        {
            return $"{head} (no value)";
        }

        if (!TryReadCloudEvent(value, out var cloudEvent))
        {
            return $"{head} {Encoding.UTF8.GetString(value)}";
        }

        using (cloudEvent)
        {
            var root = cloudEvent.RootElement;
            var source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : "-";
            return $"{head} source={source} {(envelope ? root.GetRawText() : DataOf(root))}";
        }
    }

    private static bool TryReadCloudEvent(byte[] value, out JsonDocument cloudEvent)
    {
        try
        {
            cloudEvent = JsonDocument.Parse(value);
            if (cloudEvent.RootElement.ValueKind == JsonValueKind.Object && cloudEvent.RootElement.TryGetProperty("specversion", out _))
            {
                return true;
            }

            cloudEvent.Dispose();
        }
        catch (JsonException)
        {
        }

        cloudEvent = null!;
        return false;
    }

    private static string DataOf(JsonElement cloudEvent)
    {
        if (cloudEvent.TryGetProperty("data", out var data))
        {
            return data.ValueKind == JsonValueKind.String ? data.GetString()! : data.GetRawText();
        }

        if (!cloudEvent.TryGetProperty("data_base64", out var base64) || base64.ValueKind != JsonValueKind.String)
        {
            return "(no data)";
        }

        var bytes = new byte[base64.GetString()!.Length];
        return Convert.TryFromBase64String(base64.GetString()!, bytes, out var length)
            ? Encoding.UTF8.GetString(bytes, 0, length)
            : base64.GetString()!;
    }
}
