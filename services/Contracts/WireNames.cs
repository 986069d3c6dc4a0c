using System.Text.Json;

namespace DaprOrders.Contracts;

/// <summary>
/// Enum values by the names they travel under (JUMPERS, not Jumpers or 0), taken from the contracts' JSON shape,
/// so a store, a message key or a command line uses exactly the names the topics carry.
/// </summary>
public static class WireNames
{
    /// <summary>The wire name of <paramref name="value"/>, a defined value of its enum.</summary>
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum =>
        Names<TEnum>.ByValue.TryGetValue(value, out var name)
            ? name
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a defined {typeof(TEnum).Name}.");

    /// <summary>Every wire name of <typeparamref name="TEnum"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<TEnum>() where TEnum : struct, Enum => Names<TEnum>.InOrder;

    /// <summary>
    /// The value named <paramref name="text"/>, case ignored. Numbers and undefined names are refused, though the
    /// JSON converter would take "1".
    /// </summary>
    public static bool TryParse<TEnum>(string? text, out TEnum value) where TEnum : struct, Enum
    {
        foreach (var (candidate, name) in Names<TEnum>.ByValue)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The value named <paramref name="name"/> (case ignored); throws when it names none.</summary>
    public static TEnum Parse<TEnum>(string name) where TEnum : struct, Enum =>
        TryParse<TEnum>(name, out var value)
            ? value
            : throw new FormatException($"'{name}' is not a {typeof(TEnum).Name}; one of {string.Join(", ", All<TEnum>())}.");

    // Worked out once per enum: the grid names every row's state and product.
    private static class Names<TEnum> where TEnum : struct, Enum
    {
        public static readonly Dictionary<TEnum, string> ByValue = Enum.GetValues<TEnum>()
            .ToDictionary(value => value, value => JsonSerializer.SerializeToElement(value, ContractsJson.Options).GetString()!);

        public static readonly IReadOnlyList<string> InOrder = [.. Enum.GetValues<TEnum>().Select(value => ByValue[value])];
    }
}
