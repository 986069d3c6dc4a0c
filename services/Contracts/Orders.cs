using System.Text.Json.Serialization;

namespace DaprOrders.Contracts;

/// <summary>An order, as it travels on the orders topic. Each state change is a new event with the same id.</summary>
/// <param name="Id">Client-chosen order id; the key of every event about this order.</param>
/// <param name="CustomerId">The customer placing the order.</param>
/// <param name="State">Where the order is in its life.</param>
/// <param name="Product">What is ordered.</param>
/// <param name="Quantity">How many; positive.</param>
/// <param name="Price">Total price; not negative.</param>
public sealed record Order(string Id, string CustomerId, OrderState State, Product Product, int Quantity, decimal Price);

/// <summary>The life of an order. Only moves forward: CREATED, then VALIDATED or FAILED, then SHIPPED.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OrderState>))]
public enum OrderState
{
    /// <summary>Accepted by the REST API, awaiting validation.</summary>
    [JsonStringEnumMemberName("CREATED")] Created,
    /// <summary>All three checks passed.</summary>
    [JsonStringEnumMemberName("VALIDATED")] Validated,
    /// <summary>A check failed, or validation did not finish before its deadline.</summary>
    [JsonStringEnumMemberName("FAILED")] Failed,
    /// <summary>Sent to the customer.</summary>
    [JsonStringEnumMemberName("SHIPPED")] Shipped,
}

/// <summary>The products the shop sells.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Product>))]
public enum Product
{
    /// <summary>Jumpers.</summary>
    [JsonStringEnumMemberName("JUMPERS")] Jumpers,
    /// <summary>Underpants.</summary>
    [JsonStringEnumMemberName("UNDERPANTS")] Underpants,
    /// <summary>Stockings.</summary>
    [JsonStringEnumMemberName("STOCKINGS")] Stockings,
}

/// <summary>The result of one validator's check of one order, on the order-validations topic.</summary>
/// <param name="OrderId">The order checked.</param>
/// <param name="CheckType">Which validator.</param>
/// <param name="Result">PASS, FAIL or ERROR.</param>
public sealed record OrderValidation(string OrderId, OrderValidationType CheckType, OrderValidationResult Result);

/// <summary>The three checks every order goes through.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OrderValidationType>))]
public enum OrderValidationType
{
    /// <summary>Enough stock for the order.</summary>
    [JsonStringEnumMemberName("INVENTORY_CHECK")] InventoryCheck,
    /// <summary>The customer's recent spending is under the limit.</summary>
    [JsonStringEnumMemberName("FRAUD_CHECK")] FraudCheck,
    /// <summary>The order's fields make sense.</summary>
    [JsonStringEnumMemberName("ORDER_DETAILS_CHECK")] OrderDetailsCheck,
}

/// <summary>Outcome of a check.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OrderValidationResult>))]
public enum OrderValidationResult
{
    /// <summary>The check passed.</summary>
    [JsonStringEnumMemberName("PASS")] Pass,
    /// <summary>The check failed; the order fails.</summary>
    [JsonStringEnumMemberName("FAIL")] Fail,
    /// <summary>The check could not be made; the order fails.</summary>
    [JsonStringEnumMemberName("ERROR")] Error,
}
