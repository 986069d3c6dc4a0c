namespace DaprOrders.Orders;

/// <summary>What an id may look like: it travels in URL paths (our API, Dapr actor routes) and as an actor id.</summary>
internal static class OrderIds
{
    public const int MaxLength = 64;

    /// <summary>Letters, digits, '-', '_', '.'; starts with a letter or digit, so never "." or "..".</summary>
    public const string Pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";

    private static readonly System.Text.RegularExpressions.Regex Regex = new(Pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    public static bool IsValid(string? id) => id is not null && Regex.IsMatch(id);
}
