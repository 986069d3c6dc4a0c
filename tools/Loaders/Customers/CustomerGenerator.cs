using System.Globalization;
using DaprOrders.Contracts;

namespace DaprOrders.Loaders.Customers;

/// <summary>
/// Made-up customers with predictable ids (`c-1`, `c-2`, ...), so `orders post` can name them without a lookup.
/// Number n always gives the same customer, and the levels take turns.
/// </summary>
internal static class CustomerGenerator
{
    public const string DefaultIdPrefix = "c-";
    public const int DefaultCount = 10;

    private static readonly string[] FirstNames = ["Ada", "Ben", "Chloe", "Dmitri", "Esther", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Lars"];
    private static readonly string[] LastNames = ["Lovelace", "Stopford", "Okafor", "Ivanova", "Moreau", "Haddad", "Hopper", "Tanaka", "Silva", "Berg"];
    private static readonly string[] Streets = ["Mill Lane", "Harbour Road", "Station Street", "Orchard Way", "Church Walk"];
    private static readonly string[] Towns = ["Leeds", "Bristol", "York", "Norwich", "Bath", "Exeter"];

    public static string IdOf(string prefix, int number) => prefix + number.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The ids `customers generate` creates with its defaults: what `orders post` uses when no --customer is given.
    /// </summary>
    public static IReadOnlyList<string> DefaultIds { get; } =
        [.. Enumerable.Range(1, DefaultCount).Select(n => IdOf(DefaultIdPrefix, n))];

    public static Customer Create(string prefix, int number)
    {
        var i = number - 1;
        var first = FirstNames[i % FirstNames.Length];
        var last = LastNames[i / FirstNames.Length % LastNames.Length];
        return new Customer(
            IdOf(prefix, number),
            first,
            last,
            string.Create(CultureInfo.InvariantCulture, $"{first}.{last}.{number}@example.com").ToLowerInvariant(),
            string.Create(CultureInfo.InvariantCulture, $"{number} {Streets[i % Streets.Length]}, {Towns[i % Towns.Length]}"),
            CustomerLevels.All[i % CustomerLevels.All.Count]);
    }
}
