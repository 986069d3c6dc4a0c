using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace DaprOrders.LocalDapr.Grpc;

/// <summary>
/// Binds methods served on the sidecar's gRPC port to handlers: the Dapr gRPC API (`dapr.proto.runtime.v1.Dapr`)
/// and, beside it as in daprd, the workflow engine's `TaskHubSidecarService`. Dapr.Protos and Dapr.Workflow ship
/// the message types and clients but no server base classes, so each method is declared here from its service,
/// name and message types, and served through ASP.NET Core gRPC's service-method-provider hook.
/// </summary>
public sealed class DaprGrpcMethods
{
    public const string ServiceName = "dapr.proto.runtime.v1.Dapr";

    private readonly List<Action<ServiceMethodProviderContext<DaprGrpcService>>> _bindings = [];
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);

    /// <summary>
    /// The gRPC services the sidecar serves itself (a call to any other service is proxied to an app).
    /// </summary>
    public IReadOnlySet<string> Services => _services;

    /// <summary>
    /// Serves the unary method <paramref name="name"/> of the Dapr API with <paramref name="handler"/>.
    /// </summary>
    public DaprGrpcMethods Unary<TRequest, TResponse>(string name, Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Unary(ServiceName, name, handler);

    /// <summary>
    /// Serves the unary method <paramref name="name"/> of <paramref name="service"/> with <paramref name="handler"/>.
    /// </summary>
    public DaprGrpcMethods Unary<TRequest, TResponse>(string service, string name, Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        _services.Add(service);
        var method = new Method<TRequest, TResponse>(MethodType.Unary, service, name, MarshallerOf<TRequest>(), MarshallerOf<TResponse>());
        _bindings.Add(context => context.AddUnaryMethod(method, [], (_, request, call) => handler(request, call)));
        return this;
    }

    /// <summary>
    /// Serves the server-streaming method <paramref name="name"/> of <paramref name="service"/>.
    /// </summary>
    public DaprGrpcMethods ServerStreaming<TRequest, TResponse>(
        string service, string name, Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        _services.Add(service);
        var method = new Method<TRequest, TResponse>(MethodType.ServerStreaming, service, name, MarshallerOf<TRequest>(), MarshallerOf<TResponse>());
        _bindings.Add(context => context.AddServerStreamingMethod(method, [], (_, request, stream, call) => handler(request, stream, call)));
        return this;
    }

    internal void Bind(ServiceMethodProviderContext<DaprGrpcService> context)
    {
        foreach (var bind in _bindings)
        {
            bind(context);
        }
    }

    private static Marshaller<T> MarshallerOf<T>() where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create(message => message.ToByteArray(), parser.ParseFrom);
    }
}

/// <summary>
/// The gRPC service type the Dapr methods hang off; it has no code of its own.
/// </summary>
public sealed class DaprGrpcService;

/// <summary>
/// Hands the bound methods to ASP.NET Core gRPC when it discovers <see cref="DaprGrpcService"/>.
/// </summary>
internal sealed class DaprGrpcMethodProvider(DaprGrpcMethods methods) : IServiceMethodProvider<DaprGrpcService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<DaprGrpcService> context) => methods.Bind(context);
}
