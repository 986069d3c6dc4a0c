using Dapr.Actors;
using Dapr.Actors.Client;
using Dapr.Actors.Runtime;
using DaprOrders.LocalDapr.TestApp.Actors;

namespace DaprOrders.LocalDapr.TestApp;

/// <summary>
/// Actor types and endpoints for the actors conformance tests. One actor class under three type names:
/// default options, a short idle timeout, and reentrancy on.
/// </summary>
public static class ActorTestEndpoints
{
    public const string CounterActorType = "CounterActor";

    public const string IdleCounterActorType = "IdleCounterActor";

    public const string ReentrantCounterActorType = "ReentrantCounterActor";

    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Registers actor types and runtime options (`options.Actors.RegisterActor{T}()`).
    /// </summary>
    public static void ConfigureActors(ActorRuntimeOptions options)
    {
        options.UseJsonSerialization = true;
        options.Actors.RegisterActor<CounterActor>(CounterActorType);
        options.Actors.RegisterActor<CounterActor>(IdleCounterActorType, new ActorRuntimeOptions { ActorIdleTimeout = IdleTimeout });
        options.Actors.RegisterActor<CounterActor>(
            ReentrantCounterActorType, new ActorRuntimeOptions { ReentrancyConfig = new ActorReentrancyConfig { Enabled = true, MaxStackDepth = 8 } });
    }

    public static WebApplicationBuilder AddActorTestServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ActorTurnTracker>();
        return builder;
    }

    public static IEndpointRouteBuilder MapActorTestEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/test/actors");
        group.MapGet("/overlapping-turns", (ActorTurnTracker turns) => TypedResults.Ok(turns.OverlappingTurns));
        group.MapGet("/active", (ActorTurnTracker turns) => TypedResults.Ok(turns.ActiveActors));

        // Calls through the SDK's remoting proxy (JSON serialization) from inside the app, via its own sidecar.
        group.MapPost("/{actorType}/{actorId}/remoting/increment", (string actorType, string actorId) =>
            Proxy(actorType, actorId).IncrementSlowlyAsync());
        group.MapPost("/{actorType}/{actorId}/remoting/fail", async (string actorType, string actorId, string message) =>
        {
            try
            {
                await Proxy(actorType, actorId).FailAsync(message);
                return Results.Ok(new RemotingFailure(null, null));
            }
            catch (ActorMethodInvocationException e)
            {
                return Results.Ok(new RemotingFailure(e.GetType().Name, e.InnerException?.Message));
            }
        });
        return endpoints;
    }

    private static ICounterActor Proxy(string actorType, string actorId) =>
        ActorProxy.Create<ICounterActor>(new ActorId(actorId), actorType, new ActorProxyOptions { UseJsonSerialization = true });

    /// <summary>
    /// What the remoting proxy threw: the SDK's exception type and the actor's own message.
    /// </summary>
    public sealed record RemotingFailure(string? Exception, string? ActorMessage);
}
