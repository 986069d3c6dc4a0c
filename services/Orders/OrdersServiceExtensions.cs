using Dapr.Workflow;
using DaprOrders.Contracts;
using DaprOrders.Orders.Api;
using DaprOrders.Orders.Validation;
using DaprOrders.Orders.View;
using DaprOrders.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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

        // The workflow worker and client talk to the sidecar's gRPC port (DAPR_GRPC_ENDPOINT or DAPR_GRPC_PORT).
        // Workflow inputs, outputs and events are JSON in the contracts' shape, like everything else we write.
        services.AddDaprWorkflow(workflows =>
            {
                workflows.RegisterWorkflow<OrderValidationWorkflow>();
                workflows.RegisterActivity<PublishCreatedActivity>();
                workflows.RegisterActivity<PublishVerdictActivity>();
            })
            .WithJsonSerializer(ContractsJson.Options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ValidationsInFlight>();
        services.AddSingleton<OrdersMetrics>();
        services.AddSingleton<OrderAcceptance>();
        services.AddSingleton<ValidationResults>();

        services.AddSingleton<OrderViewProjection>();
        services.AddSingleton(provider => new OrderWaiters(provider.GetRequiredService<IOptions<OrdersApiOptions>>().Value.MaxWaiting));
        services.AddSingleton<OrderWaitService>();
        return builder;
    }
}
