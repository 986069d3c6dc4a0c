using System.Text.Json;
using DaprOrders.Contracts;

namespace DaprOrders.Loaders.Cli;

/// Enum values as they travel on the wire (JUMPERS, not Jumpers), taken from the contracts' JSON shape so the
/// CLI accepts exactly the names the services understand.
internal static class WireNames
{
    public static string Of<T>(T value) where T : struct, Enum =>
        JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(value, ContractsJson.Options))!;

    public static IReadOnlyList<string> All<T>() where T : struct, Enum => [.. Enum.GetValues<T>().Select(Of)];

    /// Case-insensitive; numbers and undefined names are refused (the JSON converter would take "1").
    public static bool TryParse<T>(string text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Of(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
