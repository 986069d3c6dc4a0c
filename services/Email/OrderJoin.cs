using System.Text.Json.Serialization;
using DaprOrders.Contracts;

namespace DaprOrders.Email;

/// <summary>
/// What the state store holds per order id (key <c>join-{orderId}</c>): the VALIDATED order and its payment as they
/// arrive, until both are there and the customer is known; then the confirmation's progress, remembered so a
/// redelivery never sends it again.
/// </summary>
public sealed record OrderJoin(
    string OrderId,
    Order? Order,
    Payment? Payment,
    DateTimeOffset Deadline,
    JoinStage Stage,
    string? ClaimedBy = null,
    DateTimeOffset? ClaimedAt = null);

/// <summary>Where a join is: waiting for its parts, one delivery sending the email, or done.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JoinStage>))]
public enum JoinStage
{
    /// <summary>The order, its payment or its customer is still missing (or the email is not claimed yet).</summary>
    Waiting,
    /// <summary>One delivery claimed the email and is sending it; nobody else sends.</summary>
    Sending,
    /// <summary>The email went out.</summary>
    Sent,
}

/// <summary>The orders that wait for one unknown customer (key <c>awaiting-customer-{customerId}</c>), oldest first.</summary>
public sealed record AwaitingCustomer(IReadOnlyList<string> OrderIds);
