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

    /// <summary>
    /// Orders one instance may have accepted and not yet seen decided; more POSTs get 503 with Retry-After until
    /// verdicts come back. At the ~70 verdicts/s a 2-core machine reaches, a full backlog is decided in ~15 s, well
    /// inside <see cref="Timeout"/>: an accepted order is decided by its checks, not by its deadline.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxInFlight { get; set; } = 1_000;
}
