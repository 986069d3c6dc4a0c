using Dapr.Actors;
using Dapr.Actors.Client;
using Dapr.Actors.Runtime;
using DaprOrders.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DaprOrders.ServiceDefaults.Actors;

/// <summary>
/// Actors the house way: remoting payloads and actor state as JSON in the contracts' shape (not DataContract XML),
/// the same on the proxy and the runtime side.
/// </summary>
public static class JsonActorsExtensions
{
    /// <summary>Registers the actor runtime with JSON remoting and <see cref="JsonActorProxies"/> to call actors.</summary>
    public static IServiceCollection AddJsonActors(this IServiceCollection services, Action<ActorRegistrationCollection> register)
    {
        services.AddActors(actors =>
        {
            register(actors.Actors);
            actors.UseJsonSerialization = true;
            actors.JsonSerializerOptions = ContractsJson.Options;
        });
        services.AddSingleton<JsonActorProxies>();
        return services;
    }
}

/// <summary>
/// Creates JSON-remoting actor proxies. The SDK's default proxy options carry the runtime's sidecar address, token and
/// JSON options but not the remoting format, so a proxy made with them would speak DataContract to a JSON runtime.
/// </summary>
public sealed class JsonActorProxies(IActorProxyFactory proxies, IOptions<ActorRuntimeOptions> runtime)
{
    public TActor Create<TActor>(string actorId, string actorType)
        where TActor : IActor =>
        proxies.CreateActorProxy<TActor>(new ActorId(actorId), actorType, ProxyOptions());

    private ActorProxyOptions ProxyOptions()
    {
        // Read per call: the SDK fills in the sidecar address and token when it builds the proxy factory.
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
