using System.Diagnostics.Metrics;

namespace DaprOrders.Inventory;

/// <summary>
/// Stock and reservations per product (meter DaprOrders.Inventory), recorded by the product's actor whenever it
/// saves them, so the gauges show the last saved level of each product this instance hosts.
/// </summary>
internal static class InventoryMetrics
{
    private static readonly Meter Meter = new("DaprOrders.Inventory");

    private static readonly Gauge<long> InStock = Meter.CreateGauge<long>(
        "daprorders.inventory.stock", "{item}", "Items of a product in the warehouse, reserved ones included.");

    private static readonly Gauge<long> Reserved = Meter.CreateGauge<long>(
        "daprorders.inventory.reserved", "{item}", "Items of a product reserved by orders being validated or validated.");

    public static void Record(string product, ProductStock stock)
    {
        var tag = new KeyValuePair<string, object?>("daprorders.product", product);
        InStock.Record(stock.InStock, tag);
        Reserved.Record(stock.Reserved, tag);
    }
}
