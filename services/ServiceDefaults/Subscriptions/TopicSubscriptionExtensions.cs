using Dapr;
using DaprOrders.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DaprOrders.ServiceDefaults.Subscriptions;

/// <summary>One-line topic subscriptions with the house conventions.</summary>
public static class TopicSubscriptionExtensions
{
    /// <summary>The route a topic handler is mapped at.</summary>
    public static string RouteFor(string topic) => $"/events/{topic}";

    /// <summary>
    /// Maps <paramref name="handler"/> at <c>/events/&lt;topic&gt;</c> on the shared pub/sub, with the dead-letter
    /// topic. The handler returns <see cref="Delivery.Ack"/> or <see cref="Delivery.Drop"/> (malformed input only)
    /// and throws on any other failure: 500 makes Dapr retry, then dead-letter.
    /// </summary>
    public static RouteHandlerBuilder MapTopic(this IEndpointRouteBuilder endpoints, string topic, Delegate handler) =>
        endpoints.MapPost(RouteFor(topic), handler)
            .AddEndpointFilter(async (context, next) =>
            {
                var result = await next(context);
                // A handler may answer through a Results<...> union, which wraps the result it chose.
                if ((result is INestedHttpResult nested ? nested.Result : result) is Ok<DeliveryStatus> { Value.Status: Delivery.DropStatus })
                {
                    SubscriptionMetrics.CountDropped(topic);
                }

                return result;
            })
            .WithTopic(new TopicOptions { PubsubName = DaprComponents.PubSub, Name = topic, DeadLetterTopic = Topics.DeadLetter })
            .WithName($"topic-{topic}")
            .ExcludeFromDescription();
}

/// <summary>What a subscriber tells Dapr about one message (Dapr's pub/sub response contract).</summary>
public static class Delivery
{
    public const string DropStatus = "DROP";

    /// <summary>Handled: acknowledge.</summary>
    public static Ok<DeliveryStatus> Ack() => TypedResults.Ok(new DeliveryStatus("SUCCESS"));

    /// <summary>Malformed beyond repair: drop (to the dead-letter topic), never retry. Not for transient failures.</summary>
    public static Ok<DeliveryStatus> Drop() => TypedResults.Ok(new DeliveryStatus(DropStatus));
}

/// <summary>The body Dapr reads from a subscriber's 2xx answer.</summary>
public sealed record DeliveryStatus(string Status);
