using System.Text.Json;

namespace DaprOrders.Contracts;

/// <summary>The one JSON shape of every contract: camelCase names, enums as strings (via their attributes).</summary>
public static class ContractsJson
{
    /// <summary>Web defaults (camelCase, case-insensitive reads), as DaprClient uses for publish and state.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
