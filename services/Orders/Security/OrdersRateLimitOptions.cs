using System.ComponentModel.DataAnnotations;

namespace DaprOrders.Orders.Security;

/// <summary>
/// How many orders one caller may post (configuration section "RateLimiting"): a fixed window per caller, the
/// token's subject when authenticated, else the client address. The defaults only stop floods: the end-to-end and
/// load runs post far below them.
/// </summary>
internal sealed class OrdersRateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "RateLimiting";

    /// <summary>POSTs one caller may make per window.</summary>
    [Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 100;

    /// <summary>The window's length.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);
}
