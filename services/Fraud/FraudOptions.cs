using System.ComponentModel.DataAnnotations;

namespace DaprOrders.Fraud;

/// <summary>Configuration section "Fraud" (env: <c>Fraud__Limit</c>, <c>Fraud__SessionGap</c>).</summary>
public sealed class FraudOptions
{
    public const string Section = "Fraud";

    /// <summary>An order fails when its customer's session total, including it, reaches this value.</summary>
    [Range(typeof(decimal), "0.01", "1000000000", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal Limit { get; set; } = 2000m;

    /// <summary>A customer's session ends after this long without an order.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan SessionGap { get; set; } = TimeSpan.FromHours(1);
}
