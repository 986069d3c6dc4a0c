namespace DaprOrders.Contracts;

/// <summary>A customer record, on the customers topic, keyed by customer id. The latest record per id wins.</summary>
/// <param name="Id">Customer id.</param>
/// <param name="FirstName">Given name.</param>
/// <param name="LastName">Family name.</param>
/// <param name="Email">Where confirmations are sent.</param>
/// <param name="Address">Postal address.</param>
/// <param name="Level">Customer tier (platinum, gold, silver, bronze); names the enriched-orders topic.</param>
public sealed record Customer(string Id, string FirstName, string LastName, string Email, string Address, string Level);

/// <summary>A product's stock level in the warehouse, on the warehouse-inventory topic, keyed by product.</summary>
/// <param name="Product">The product.</param>
/// <param name="Quantity">Units in stock; the latest value wins.</param>
public sealed record StockLevel(Product Product, int Quantity);

/// <summary>An order joined with its payment and customer, published to the topic of the customer's level.</summary>
/// <param name="Order">The validated order.</param>
/// <param name="Payment">Its payment.</param>
/// <param name="Customer">Who placed it.</param>
public sealed record EnrichedOrder(Order Order, Payment Payment, Customer Customer);

/// <summary>
/// The customer tiers. Each names an enriched-orders topic (<see cref="Topics.EnrichedOrders"/>), and these four are
/// the topics the pub/sub's publishing scopes let the email service publish.
/// </summary>
public static class CustomerLevels
{
    /// <summary>The top tier.</summary>
    public const string Platinum = "platinum";

    /// <summary>The second tier.</summary>
    public const string Gold = "gold";

    /// <summary>The third tier.</summary>
    public const string Silver = "silver";

    /// <summary>The lowest tier.</summary>
    public const string Bronze = "bronze";

    /// <summary>Every tier, highest first.</summary>
    public static IReadOnlyList<string> All { get; } = [Platinum, Gold, Silver, Bronze];

    /// <summary>The tier <paramref name="level"/> names (case and surrounding spaces ignored), or null.</summary>
    public static string? Recognise(string? level)
    {
        var normalised = level?.Trim().ToLowerInvariant();
        return normalised is not null && All.Contains(normalised, StringComparer.Ordinal) ? normalised : null;
    }
}
