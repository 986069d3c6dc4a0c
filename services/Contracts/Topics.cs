namespace DaprOrders.Contracts;

/// <summary>Kafka topic names. Defined once here; components, chart and dapr.yaml are checked against them.</summary>
public static class Topics
{
    /// <summary>Every state of every order. Single writer: the orders service.</summary>
    public const string Orders = "orders";

    /// <summary>PASS/FAIL/ERROR results of the three validators.</summary>
    public const string OrderValidations = "order-validations";

    /// <summary>Payments, keyed by order id.</summary>
    public const string Payments = "payments";

    /// <summary>Customer records, keyed by customer id; latest record per id wins.</summary>
    public const string Customers = "customers";

    /// <summary>Stock levels per product; latest value per product wins.</summary>
    public const string WarehouseInventory = "warehouse-inventory";

    /// <summary>Messages that kept failing after the resiliency policy's retries.</summary>
    public const string DeadLetter = "dead-letter";

    /// <summary>Prefix of the enriched order topics, one per customer level: orders-platinum, orders-gold, ...</summary>
    public const string EnrichedOrdersPrefix = "orders-";

    /// <summary>The topic that carries orders of customers at <paramref name="level"/>.</summary>
    public static string EnrichedOrders(string level) => EnrichedOrdersPrefix + level.ToLowerInvariant();
}
