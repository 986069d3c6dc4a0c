using System.Text.RegularExpressions;

namespace DaprOrders.Contracts;

/// <summary>
/// What an order id may look like: it travels in URL paths (the orders API, Dapr actor and workflow routes) and as
/// an actor and workflow instance id. The orders API refuses any other id, so every subscriber can drop an event
/// whose order id breaks the rule: no order with that id can exist.
/// </summary>
public static class OrderIds
{
    /// <summary>The longest id.</summary>
    public const int MaxLength = 64;

    /// <summary>Letters, digits, '-', '_', '.'; starts with a letter or digit, so never "." or "..".</summary>
    public const string Pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";

    private static readonly Regex Regex = new(Pattern, RegexOptions.CultureInvariant);

    /// <summary>True when <paramref name="id"/> is an id the orders API accepts.</summary>
    public static bool IsValid(string? id) => id is not null && Regex.IsMatch(id);
}
