using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Grpc;
using DaprOrders.LocalDapr.Sidecars;

namespace DaprOrders.LocalDapr.Bindings;

/// <summary>
/// Output bindings (`bindings.smtp` components), invoked through <see cref="BindingsApi"/>.
/// </summary>
public sealed class BindingsFeature : ISidecarFeature
{
    private readonly Dictionary<string, SmtpBinding> _bindings;

    public BindingsFeature(RuntimeResources resources, string mailFolder, bool deliverMailOverSmtp, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("LocalDapr.Bindings");
        _bindings = resources.OfType("bindings.smtp").ToDictionary(
            c => c.Name,
            c => new SmtpBinding(c, mailFolder, deliverMailOverSmtp, logger),
            StringComparer.Ordinal);
    }

    public void MapHttp(IEndpointRouteBuilder endpoints) => BindingsApi.MapHttp(endpoints, this);

    public void MapGrpc(DaprGrpcMethods methods) => BindingsApi.MapGrpc(methods, this);

    public Task AppReadyAsync(Sidecar sidecar, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task AppStoppedAsync(Sidecar sidecar, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Invokes the output binding <paramref name="name"/> for the calling app; failures are <see cref="BindingException"/>.
    /// </summary>
    internal async Task InvokeAsync(
        Sidecar sidecar, string name, string operation, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (!_bindings.TryGetValue(name, out var binding) || !binding.Component.IsVisibleTo(sidecar.AppId))
        {
            throw new BindingException($"error invoking output binding {name}: couldn't find output binding {name}");
        }

        if (operation != "create")
        {
            throw new BindingException($"error invoking output binding {name}: binding {name} does not support operation {operation}. supported operations: create");
        }

        try
        {
            await binding.SendAsync(data, metadata, cancellationToken);
        }
        catch (BindingException e)
        {
            throw new BindingException($"error invoking output binding {name}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or MailKit.ServiceNotConnectedException or MailKit.Net.Smtp.SmtpCommandException or MailKit.Net.Smtp.SmtpProtocolException or System.Net.Sockets.SocketException)
        {
            throw new BindingException($"error invoking output binding {name}: {e.Message}");
        }
    }
}
