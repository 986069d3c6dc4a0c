using System.Text.Json;

namespace DaprOrders.LocalDapr.Actors;

/// <summary>
/// Body of `PUT .../reminders/{name}` and `.../timers/{name}` (daprd pkg/actors/api/reminders.go); `data` is kept
/// as the raw JSON it came as (the .NET SDK sends a base64 JSON string) and handed back the same way.
/// </summary>
public sealed record ScheduleRequest(string DueTime, string Period, string? Ttl, string? Data, string? Callback, bool Overwrite)
{
    /// <summary>
    /// Go's decoder: keys case-insensitive, unknown keys ignored; throws <see cref="JsonException"/> when malformed.
    /// </summary>
    public static ScheduleRequest Parse(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"json: cannot unmarshal {document.RootElement.ValueKind.ToString().ToLowerInvariant()} into an object");
        }

        string? dueTime = null, period = null, ttl = null, data = null, callback = null;
        var overwrite = true;
        foreach (var property in document.RootElement.EnumerateObject())
        {
            switch (property.Name.ToLowerInvariant())
            {
                case "duetime": dueTime = Text(property); break;
                case "period": period = Text(property); break;
                case "ttl": ttl = Text(property); break;
                case "callback": callback = Text(property); break;
                case "data": data = property.Value.ValueKind == JsonValueKind.Null ? null : property.Value.GetRawText(); break;
                case "overwrite": overwrite = property.Value.ValueKind != JsonValueKind.False; break;
            }
        }

        return new ScheduleRequest(dueTime ?? string.Empty, period ?? string.Empty, ttl, data, callback, overwrite);
    }

    /// <summary>
    /// The reminder callback body: `{"dueTime","period","data"}`, strings exactly as registered, data omitted if none.
    /// </summary>
    public byte[] ReminderCallbackBody() => Write(includeCallback: false);

    /// <summary>
    /// The timer callback body: `{"callback","data","dueTime","period"}`.
    /// </summary>
    public byte[] TimerCallbackBody() => Write(includeCallback: true);

    private byte[] Write(bool includeCallback)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (includeCallback)
            {
                writer.WriteString("callback", Callback ?? string.Empty);
            }

            if (Data is not null)
            {
                writer.WritePropertyName("data");
                writer.WriteRawValue(Data);
            }

            writer.WriteString("dueTime", DueTime);
            writer.WriteString("period", Period);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string? Text(JsonProperty property) => property.Value.ValueKind switch
    {
        JsonValueKind.String => property.Value.GetString(),
        JsonValueKind.Null => null,
        _ => throw new JsonException($"json: cannot unmarshal {property.Value.ValueKind.ToString().ToLowerInvariant()} into field {property.Name} of type string"),
    };
}
