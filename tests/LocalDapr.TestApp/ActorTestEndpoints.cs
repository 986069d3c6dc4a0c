using Dapr.Actors.Runtime;

namespace DaprOrders.LocalDapr.TestApp;

/// Actor types and endpoints for the actors conformance tests (owned by the actors engineer).
public static class ActorTestEndpoints
{
    /// Registers actor types and runtime options (`options.Actors.RegisterActor{T}()`).
    public static void ConfigureActors(ActorRuntimeOptions options)
    {
    }

    public static WebApplicationBuilder AddActorTestServices(this WebApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapActorTestEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}
