using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.Actors;

namespace DaprOrders.Fraud;

/// <summary>The subscription's way to the customers' actors; a seam so HTTP tests need no sidecar.</summary>
internal interface IFraudCheck
{
    Task<OrderValidation> CheckAsync(Order order, CancellationToken cancellationToken);
}

/// <summary>Asks the customer's <see cref="CustomerSpendActor"/> through the Dapr sidecar.</summary>
internal sealed class ActorFraudCheck(JsonActorProxies actors) : IFraudCheck
{
    public Task<OrderValidation> CheckAsync(Order order, CancellationToken cancellationToken) =>
        actors.Create<ICustomerSpendActor>(order.CustomerId, CustomerSpendActor.TypeName).CheckAsync(order, cancellationToken);
}
