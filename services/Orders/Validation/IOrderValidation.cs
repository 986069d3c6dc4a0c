using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.Actors;

namespace DaprOrders.Orders.Validation;

/// <summary>The API's and subscriptions' way to the validation actors; a seam so HTTP tests need no sidecar.</summary>
internal interface IOrderValidation
{
    Task<SubmitOutcome> SubmitAsync(Order order, CancellationToken cancellationToken);

    Task RecordAsync(OrderValidation validation, CancellationToken cancellationToken);
}

/// <summary>Calls the order's <see cref="OrderValidationActor"/> through the Dapr sidecar.</summary>
internal sealed class ActorOrderValidation(JsonActorProxies actors) : IOrderValidation
{
    public Task<SubmitOutcome> SubmitAsync(Order order, CancellationToken cancellationToken) =>
        ActorFor(order.Id).SubmitAsync(order, cancellationToken);

    public Task RecordAsync(OrderValidation validation, CancellationToken cancellationToken) =>
        ActorFor(validation.OrderId).RecordAsync(validation, cancellationToken);

    private IOrderValidationActor ActorFor(string orderId) =>
        actors.Create<IOrderValidationActor>(orderId, OrderValidationActor.TypeName);
}
