using System.ComponentModel.DataAnnotations;

namespace DaprOrders.Orders.Validation;

/// <summary>Configuration section "Validation".</summary>
public sealed class ValidationOptions
{
    public const string Section = "Validation";

    /// <summary>An order without a verdict this long after it was accepted is FAILED.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After the deadline, how often the reminder retries publishing what is not published yet.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(5);
}
