using Dapr;
using DaprOrders.Contracts;
using DaprOrders.Orders.Validation;
using DaprOrders.ServiceDefaults.Subscriptions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprOrders.Orders.View;

/// <summary>The orders topic, twice: once to write the view, once per instance to wake its waiting GETs.</summary>
internal static class OrderSubscriptions
{
    /// <summary>Route of the per-instance broadcast subscription to the orders topic (wakes local GETs only).</summary>
    public const string BroadcastRoute = "/events/orders-broadcast";

    public static IEndpointRouteBuilder MapOrderSubscriptions(this IEndpointRouteBuilder endpoints)
    {
        // Consumer group = app id: one instance applies each order event to the view.
        endpoints.MapTopic(Topics.Orders, ApplyToView);

        // Every instance is its own consumer group on this component: each sees every order event, wakes the GETs it
        // holds and forgets the orders it accepted once decided. It only touches memory, so it cannot fail and needs
        // no dead-letter topic.
        endpoints.MapPost(BroadcastRoute, WakeWaiters)
            .WithTopic(new TopicOptions { PubsubName = DaprComponents.BroadcastPubSub, Name = Topics.Orders })
            .ExcludeFromDescription();

        return endpoints;
    }

    private static async Task<Ok<DeliveryStatus>> ApplyToView(
        Order? order, OrderViewProjection view, OrderWaiters waiters, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        // A static class cannot be ILogger<T>'s T; the category still names the class that logs.
        var logger = loggers.CreateLogger(typeof(OrderSubscriptions));
        if (order is null || !OrderIds.IsValid(order.Id) || !Enum.IsDefined(order.State))
        {
            logger.LogWarning("Dropping a malformed order event");
            return Delivery.Drop();
        }

        var current = await view.ApplyAsync(order, cancellationToken);
        waiters.Notify(current);
        return Delivery.Ack();
    }

    private static Ok<DeliveryStatus> WakeWaiters(Order? order, OrderWaiters waiters, ValidationsInFlight inFlight)
    {
        if (order is not null && order.Id is not null)
        {
            waiters.Notify(order);
            if (OrderStates.IsDecided(order.State))
            {
                inFlight.Decided(order.Id);
            }
        }

        return Delivery.Ack();
    }
}
