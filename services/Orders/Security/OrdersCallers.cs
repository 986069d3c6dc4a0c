using System.Security.Claims;
using DaprOrders.Contracts;

namespace DaprOrders.Orders.Security;

/// <summary>
/// The one rule of who may act for whom: with authentication on, a caller acts for the customer its token names
/// (claim <c>sub</c>), and a caller with the admin role or scope for anyone; with it off, anyone for anyone.
/// </summary>
internal sealed class OrdersCallers(bool authenticationOn, string adminRole)
{
    /// <summary>The token claims read as they are issued (no mapping to the long WS-* claim types).</summary>
    public const string SubjectClaim = "sub";

    /// <summary>The claim the role is in (what `dotnet user-jwts --role` and most issuers write).</summary>
    public const string RoleClaim = "role";

    /// <summary>The claim OAuth scopes are in, space-separated (RFC 8693 section 4.2).</summary>
    public const string ScopeClaim = "scope";

    /// <summary>Whether the API checks bearer tokens.</summary>
    public bool AuthenticationOn => authenticationOn;

    /// <summary>Whether <paramref name="caller"/> may place or read orders of <paramref name="customerId"/>.</summary>
    public bool MayActFor(ClaimsPrincipal caller, string customerId) =>
        !authenticationOn || IsAdmin(caller) || caller.FindFirstValue(SubjectClaim) == customerId;

    /// <summary>Whether <paramref name="caller"/> may see <paramref name="order"/>.</summary>
    public bool MaySee(ClaimsPrincipal caller, Order order) => MayActFor(caller, order.CustomerId);

    private bool IsAdmin(ClaimsPrincipal caller) =>
        caller.HasClaim(RoleClaim, adminRole)
        || caller.FindAll(ScopeClaim).Any(scopes => scopes.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(adminRole, StringComparer.Ordinal));
}
