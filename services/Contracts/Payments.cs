namespace DaprOrders.Contracts;

/// <summary>A payment for an order, on the payments topic, keyed by order id.</summary>
/// <param name="Id">Payment id.</param>
/// <param name="OrderId">The order paid for.</param>
/// <param name="Ccy">ISO 4217 currency code.</param>
/// <param name="Amount">Amount paid.</param>
public sealed record Payment(string Id, string OrderId, string Ccy, decimal Amount);
