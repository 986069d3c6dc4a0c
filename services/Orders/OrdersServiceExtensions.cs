using DaprOrders.Orders.Api;
using DaprOrders.Orders.Validation;
using DaprOrders.Orders.View;
using DaprOrders.ServiceDefaults;
using DaprOrders.ServiceDefaults.Actors;

namespace DaprOrders.Orders;

internal static class OrdersServiceExtensions
{
    public static WebApplicationBuilder AddOrders(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Again here (ServiceDefaults calls it too): the validation source generator only discovers the request
        // types of the project that calls AddValidation.
        services.AddValidation();
        services.AddValidatedOptions<OrdersApiOptions>(OrdersApiOptions.Section);
        services.AddValidatedOptions<ValidationOptions>(ValidationOptions.Section);

        // JSON remoting and actor state in the contracts' shape, the same on the proxy and the runtime side.
        services.AddJsonActors(actors => actors.RegisterActor<OrderValidationActor>(OrderValidationActor.TypeName));
        services.AddSingleton<IOrderValidation, ActorOrderValidation>();

        services.AddSingleton<OrderViewProjection>();
        services.AddSingleton<OrderWaiters>();
        services.AddSingleton<OrderWaitService>();
        return builder;
    }
}
