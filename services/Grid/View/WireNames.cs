using System.Text.Json;
using DaprOrders.Contracts;

namespace DaprOrders.Grid.View;

/// <summary>Enums are stored under their wire names (CREATED, JUMPERS), as on the topics, not as numbers.</summary>
internal static class WireNames
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonSerializer.SerializeToElement(value, ContractsJson.Options).GetString()!;

    public static TEnum Parse<TEnum>(string name) where TEnum : struct, Enum =>
        JsonSerializer.Deserialize<TEnum>(JsonSerializer.Serialize(name), ContractsJson.Options);
}
