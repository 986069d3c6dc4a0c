using System.ComponentModel.DataAnnotations;

namespace DaprOrders.Orders.Api;

/// <summary>How long GETs may wait for an order (configuration section "Orders").</summary>
internal sealed class OrdersApiOptions
{
    public const string Section = "Orders";

    /// <summary>Wait used when a GET gives no ?timeout=.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DefaultWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest ?timeout= accepted; larger values are a 400, not silently cut.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(60);
}
