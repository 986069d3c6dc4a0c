using Dapr.Actors;
using Dapr.Actors.Client;
using DaprOrders.Contracts;

namespace DaprOrders.Orders.Validation;

/// <summary>The API's and subscriptions' way to the validation actors; a seam so HTTP tests need no sidecar.</summary>
internal interface IOrderValidation
{
    Task<SubmitOutcome> SubmitAsync(Order order, CancellationToken cancellationToken);

    Task RecordAsync(OrderValidation validation, CancellationToken cancellationToken);
}

/// <summary>Calls the order's <see cref="OrderValidationActor"/> through the Dapr sidecar.</summary>
internal sealed class ActorOrderValidation(IActorProxyFactory proxies) : IOrderValidation
{
    public Task<SubmitOutcome> SubmitAsync(Order order, CancellationToken cancellationToken) =>
        ActorFor(order.Id).SubmitAsync(order, cancellationToken);

    public Task RecordAsync(OrderValidation validation, CancellationToken cancellationToken) =>
        ActorFor(validation.OrderId).RecordAsync(validation, cancellationToken);

    // The proxy options must match the runtime's: JSON remoting (ActorRuntimeOptions.UseJsonSerialization).
    private IOrderValidationActor ActorFor(string orderId) =>
        proxies.CreateActorProxy<IOrderValidationActor>(
            new ActorId(orderId),
            OrderValidationActor.TypeName,
            new ActorProxyOptions { UseJsonSerialization = true, JsonSerializerOptions = Contracts.ContractsJson.Options });
}
