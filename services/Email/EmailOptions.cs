using System.ComponentModel.DataAnnotations;

namespace DaprOrders.Email;

/// <summary>
/// Configuration section "Email" (env: <c>Email__From</c>, <c>Email__WaitingTimeout</c>, <c>Email__SentRetention</c>,
/// <c>Email__SweepInterval</c>, <c>Email__MaxOrdersAwaitingCustomer</c>).
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>Sender of the confirmations (binding metadata <c>emailFrom</c>).</summary>
    [Required]
    [EmailAddress]
    public string From { get; set; } = "orders@daprorders.local";

    /// <summary>How long an order, its payment or its customer is waited for, from the first of them to arrive.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan WaitingTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a sent confirmation is remembered, so a redelivered order or payment does not send again.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan SentRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often this instance looks for waiting orders past their timeout, to warn about them.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this many orders wait for one unknown customer; beyond it the oldest stops waiting.</summary>
    [Range(1, 100_000)]
    public int MaxOrdersAwaitingCustomer { get; set; } = 1000;
}
