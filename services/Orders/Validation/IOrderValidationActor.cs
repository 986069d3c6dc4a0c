using Dapr.Actors;
using DaprOrders.Contracts;

namespace DaprOrders.Orders.Validation;

/// <summary>The validation of one order (actor id = order id). Public: actor proxies are generated at run time.</summary>
public interface IOrderValidationActor : IActor
{
    /// <summary>Records the order, starts its deadline and publishes it as CREATED (again, if that did not happen).</summary>
    Task<SubmitOutcome> SubmitAsync(Order order, CancellationToken cancellationToken = default);

    /// <summary>Records one validator's result; publishes the verdict once it is decided.</summary>
    Task RecordAsync(OrderValidation validation, CancellationToken cancellationToken = default);
}
