namespace DaprOrders.Orders.Security;

/// <summary>Who may call the orders API (configuration section "Auth").</summary>
internal sealed class OrdersAuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Auth";

    /// <summary>
    /// The OpenID Connect issuer whose tokens the API takes (its discovery document gives the signing keys). Empty,
    /// and no signing key configured either: the API is open to anyone.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must be issued for (empty: whatever the authority's metadata says).</summary>
    public string? Audience { get; set; }

    /// <summary>The role or scope that may place and read orders of any customer (operators, the loaders).</summary>
    public string AdminRole { get; set; } = "orders.admin";
}
