using System.Text;
using System.Text.Json;
using Dapr.Client.Autogen.Grpc.v1;
using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Grpc;
using DaprOrders.LocalDapr.Sidecars;
using Grpc.Core;

namespace DaprOrders.LocalDapr.Bindings;

/// Output bindings: gRPC `InvokeBinding` and HTTP `POST|PUT /v1.0/bindings/{name}` (docs reference/api/bindings_api.md).
/// Every failure, an unknown binding included, is gRPC Internal / HTTP 500 `ERR_INVOKE_OUTPUT_BINDING` as in daprd.
public sealed class BindingsFeature : ISidecarFeature
{
    private readonly Dictionary<string, SmtpBinding> bindings;

    public BindingsFeature(RuntimeResources resources, string mailFolder, bool deliverMailOverSmtp, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("LocalDapr.Bindings");
        bindings = resources.OfType("bindings.smtp").ToDictionary(
            c => c.Name,
            c => new SmtpBinding(c, mailFolder, deliverMailOverSmtp, logger),
            StringComparer.Ordinal);
    }

    public void MapHttp(IEndpointRouteBuilder endpoints) =>
        endpoints.MapMethods("/v1.0/bindings/{name}", [HttpMethods.Post, HttpMethods.Put], async (string name, HttpContext context, Sidecar sidecar) =>
        {
            HttpBindingRequest? request;
            try
            {
                request = await JsonSerializer.DeserializeAsync<HttpBindingRequest>(context.Request.Body, SidecarApi.JsonOptions, context.RequestAborted);
            }
            catch (JsonException e)
            {
                return SidecarApi.Error(400, "ERR_MALFORMED_REQUEST", e.Message);
            }

            // daprd json.Marshals `data`: the binding gets its JSON text, a string included (with its quotes).
            var data = request?.Data is { } json ? JsonSerializer.SerializeToUtf8Bytes(json) : Encoding.UTF8.GetBytes("null");
            try
            {
                await InvokeAsync(sidecar, name, request?.Operation ?? "", data, request?.Metadata ?? [], context.RequestAborted);
                return Results.NoContent();
            }
            catch (BindingException e)
            {
                return SidecarApi.Error(500, "ERR_INVOKE_OUTPUT_BINDING", e.Message);
            }
        });

    public void MapGrpc(DaprGrpcMethods methods) =>
        methods.Unary<InvokeBindingRequest, InvokeBindingResponse>("InvokeBinding", async (request, call) =>
        {
            var sidecar = call.GetHttpContext().RequestServices.GetRequiredService<Sidecar>();
            try
            {
                await InvokeAsync(sidecar, request.Name, request.Operation, request.Data.Memory, request.Metadata, call.CancellationToken);
                return new InvokeBindingResponse();
            }
            catch (BindingException e)
            {
                throw new RpcException(new Status(StatusCode.Internal, e.Message));
            }
        });

    public Task AppReadyAsync(Sidecar sidecar, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task AppStoppedAsync(Sidecar sidecar, CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task InvokeAsync(
        Sidecar sidecar, string name, string operation, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (!bindings.TryGetValue(name, out var binding) || !binding.Component.IsVisibleTo(sidecar.AppId))
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

    private sealed record HttpBindingRequest(JsonElement? Data, Dictionary<string, string>? Metadata, string? Operation);
}
