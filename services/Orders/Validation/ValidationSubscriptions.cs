using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.Subscriptions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprOrders.Orders.Validation;

/// <summary>The validators' results, on their way into each order's validation workflow.</summary>
internal static class ValidationSubscriptions
{
    public static IEndpointRouteBuilder MapValidationSubscriptions(this IEndpointRouteBuilder endpoints)
    {
        // The workflow takes the first result of each check and ignores duplicates.
        endpoints.MapTopic(Topics.OrderValidations, RecordValidation);
        return endpoints;
    }

    private static async Task<Ok<DeliveryStatus>> RecordValidation(
        OrderValidation? validation, ValidationResults results, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        // A static class cannot be ILogger<T>'s T; the category still names the class that logs.
        var logger = loggers.CreateLogger(typeof(ValidationSubscriptions));
        if (validation is null || !OrderIds.IsValid(validation.OrderId)
            || !Enum.IsDefined(validation.CheckType) || !Enum.IsDefined(validation.Result))
        {
            logger.LogWarning("Dropping a malformed order validation");
            return Delivery.Drop();
        }

        // A result without a workflow to take it is acknowledged too: a redelivery would meet the same answer.
        await results.RaiseAsync(validation, cancellationToken);
        return Delivery.Ack();
    }
}
