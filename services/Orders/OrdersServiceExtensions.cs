using DaprOrders.Contracts;
using DaprOrders.Orders.Api;
using DaprOrders.Orders.Validation;
using DaprOrders.Orders.View;
using DaprOrders.ServiceDefaults;

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

        services.AddActors(actors =>
        {
            actors.Actors.RegisterActor<OrderValidationActor>(OrderValidationActor.TypeName);
            // Remoting payloads and actor state as JSON (not DataContract XML), in the contracts' JSON shape.
            actors.UseJsonSerialization = true;
            actors.JsonSerializerOptions = ContractsJson.Options;
        });
        services.AddSingleton<IOrderValidation, ActorOrderValidation>();

        services.AddSingleton<OrderViewProjection>();
        services.AddSingleton<OrderWaiters>();
        services.AddSingleton<OrderWaitService>();
        return builder;
    }
}
