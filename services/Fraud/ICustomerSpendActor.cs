using Dapr.Actors;
using DaprOrders.Contracts;

namespace DaprOrders.Fraud;

/// <summary>One customer's spending (actor id = customer id). Public: actor proxies are generated at run time.</summary>
public interface ICustomerSpendActor : IActor
{
    /// <summary>Counts a CREATED order into the customer's session and returns its fraud check; replays count once.</summary>
    Task<OrderValidation> CheckAsync(Order order, CancellationToken cancellationToken = default);
}
