using System.ComponentModel.DataAnnotations;

namespace DaprOrders.Orders.Api;

/// <summary>How long GETs may wait for an order, and how many may wait at once (configuration section "Orders").</summary>
internal sealed class OrdersApiOptions
{
    public const string Section = "Orders";

    /// <summary>Wait used when a GET gives no ?timeout=.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DefaultWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest ?timeout= accepted; larger values are a 400, not silently cut.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// GETs one instance holds waiting at once; one more gets 503 with Retry-After. A held GET costs a connection and
    /// a few kilobytes (docs/reliability.md has the measurement), so this bounds what waiting clients can take.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxWaiting { get; set; } = 10_000;
}
