using System.Text;
using System.Text.Json;

namespace DaprOrders.Deployment.Tests.Yaml;

/// <summary><see cref="YamlModel"/> objects as JSON: what schema validators read, and a canonical text to compare.</summary>
public static class YamlJson
{
    /// <summary>JSON of the object; with <paramref name="sortKeys"/>, equal objects give equal text.</summary>
    public static string Write(object? node, bool sortKeys = false, bool indented = false)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            Write(writer, node, sortKeys);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A text equal for equal objects whatever their key order: what the mirror checks compare.</summary>
    public static string Canonical(object? node) => Write(node, sortKeys: true, indented: true);

    private static void Write(Utf8JsonWriter writer, object? node, bool sortKeys)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case Dictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (key, value) in sortKeys ? map.OrderBy(e => e.Key, StringComparer.Ordinal) : map.AsEnumerable())
                {
                    writer.WritePropertyName(key);
                    Write(writer, value, sortKeys);
                }

                writer.WriteEndObject();
                break;
            case List<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item, sortKeys);
                }

                writer.WriteEndArray();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            default:
                writer.WriteStringValue(node.ToString());
                break;
        }
    }
}
