using System.ComponentModel.DataAnnotations;

namespace DaprOrders.Orders.Validation;

/// <summary>Configuration section "Validation".</summary>
public sealed class ValidationOptions
{
    public const string Section = "Validation";

    /// <summary>
    /// How long the three checks have to answer once the order is published as CREATED; an order still without a
    /// verdict then is FAILED.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
