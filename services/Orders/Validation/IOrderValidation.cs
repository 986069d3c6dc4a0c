using Dapr.Actors;
using Dapr.Actors.Client;
using Dapr.Actors.Runtime;
using DaprOrders.Contracts;
using Microsoft.Extensions.Options;

namespace DaprOrders.Orders.Validation;

/// <summary>The API's and subscriptions' way to the validation actors; a seam so HTTP tests need no sidecar.</summary>
internal interface IOrderValidation
{
    Task<SubmitOutcome> SubmitAsync(Order order, CancellationToken cancellationToken);

    Task RecordAsync(OrderValidation validation, CancellationToken cancellationToken);
}

/// <summary>Calls the order's <see cref="OrderValidationActor"/> through the Dapr sidecar.</summary>
internal sealed class ActorOrderValidation(IActorProxyFactory proxies, IOptions<ActorRuntimeOptions> runtime) : IOrderValidation
{
    public Task<SubmitOutcome> SubmitAsync(Order order, CancellationToken cancellationToken) =>
        ActorFor(order.Id).SubmitAsync(order, cancellationToken);

    public Task RecordAsync(OrderValidation validation, CancellationToken cancellationToken) =>
        ActorFor(validation.OrderId).RecordAsync(validation, cancellationToken);

    private IOrderValidationActor ActorFor(string orderId) =>
        proxies.CreateActorProxy<IOrderValidationActor>(new ActorId(orderId), OrderValidationActor.TypeName, ProxyOptions());

    // Remoting must be JSON on both ends (ActorRuntimeOptions.UseJsonSerialization); the sidecar address and
    // token are the runtime's, as the SDK's default proxy options would have them.
    private ActorProxyOptions ProxyOptions()
    {
        var options = runtime.Value;
        var proxy = new ActorProxyOptions { UseJsonSerialization = true, JsonSerializerOptions = options.JsonSerializerOptions };
        if (!string.IsNullOrWhiteSpace(options.HttpEndpoint))
        {
            proxy.HttpEndpoint = options.HttpEndpoint;
        }

        if (!string.IsNullOrWhiteSpace(options.DaprApiToken))
        {
            proxy.DaprApiToken = options.DaprApiToken;
        }

        return proxy;
    }
}
