namespace DaprOrders.Loaders.Customers;

/// The customer tiers. Each names an enriched-orders topic (Topics.EnrichedOrders), and these four are the topics
/// the email service may publish (publishingScopes in components/), so the CLI refuses any other level.
internal static class CustomerLevels
{
    public static IReadOnlyList<string> All { get; } = ["platinum", "gold", "silver", "bronze"];
}
