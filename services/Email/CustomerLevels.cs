namespace DaprOrders.Email;

/// <summary>
/// The customer tiers that name the enriched-order topics (<c>orders-platinum</c> ...), as the pub/sub's publishing
/// scopes allow them. A level outside this list is a data problem in the customer record: the order is still
/// valid and paid, so it is routed to <see cref="Fallback"/>, with a warning, rather than lost or retried forever.
/// </summary>
internal static class CustomerLevels
{
    public const string Platinum = "platinum";
    public const string Gold = "gold";
    public const string Silver = "silver";
    public const string Bronze = "bronze";

    /// <summary>The lowest tier: where orders of customers with an unknown level go.</summary>
    public const string Fallback = Bronze;

    public static IReadOnlyList<string> Known { get; } = [Platinum, Gold, Silver, Bronze];

    /// <summary>The known level <paramref name="level"/> names (case and spaces ignored), or null.</summary>
    public static string? Recognise(string? level)
    {
        var normalised = level?.Trim().ToLowerInvariant();
        return normalised is not null && Known.Contains(normalised, StringComparer.Ordinal) ? normalised : null;
    }
}
