using System.Net;
using DaprOrders.LocalDapr.Grpc;
using DaprOrders.LocalDapr.Sidecars;
using Grpc.Core;

namespace DaprOrders.LocalDapr.Invocation;

/// <summary>
/// gRPC proxying (docs service-invocation/howto-invoke-services-grpc.md; dapr pkg/api/grpc/proxy/handler.go,
/// pkg/messaging/grpc_proxy.go): a call on the sidecar's gRPC port to a service the sidecar does not serve, with
/// `dapr-app-id` (or `dapr-callee-app-id`) metadata, is streamed as it is to the target app's gRPC server (app
/// protocol grpc, h2c) and its messages, headers and trailers streamed back. The metadata goes along but for
/// `dapr-app-id`; a call that crossed sidecars gains `dapr-caller-app-id` and `dapr-callee-app-id`.
/// </summary>
public static class GrpcProxy
{
    private const string CalleeHeader = "dapr-callee-app-id";
    private const string AppIdHeader = "dapr-app-id";

    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "content-length", "connection", "transfer-encoding", "keep-alive", "upgrade", AppIdHeader,
        SidecarMiddleware.ApiTokenHeader,
    };

    /// <summary>
    /// Whether the request is a gRPC call (the sidecar's gRPC port takes nothing else).
    /// </summary>
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true;

    /// <summary>
    /// Proxies the call in <paramref name="context"/> for <paramref name="caller"/>'s app.
    /// </summary>
    public static async Task ProxyAsync(HttpContext context, Sidecar caller, InvocationFeature feature)
    {
        // `/{service}/{method}`: a method the sidecar's own services lack is theirs to refuse, not an app's to serve.
        // daprd implements every method of them; the local runtime answers the ones it does not serve Unimplemented.
        var path = context.Request.Path.Value ?? "/";
        var service = path.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        if (context.RequestServices.GetRequiredService<DaprGrpcMethods>().Services.Contains(service))
        {
            WriteStatus(context, StatusCode.Unimplemented, $"method {path} is not implemented by the local runtime");
            return;
        }

        var headers = context.Request.Headers;
        var target = headers[CalleeHeader].FirstOrDefault() is { Length: > 0 } callee ? callee : headers[AppIdHeader].FirstOrDefault();
        if (string.IsNullOrEmpty(target))
        {
            WriteStatus(context, StatusCode.Unknown, "failed to proxy request: required metadata dapr-callee-app-id or dapr-app-id not found");
            return;
        }

        Sidecar app;
        bool local;
        try
        {
            (app, local) = feature.ProxyTarget(caller, target, path);
        }
        catch (InvocationException e)
        {
            WriteStatus(context, e.Code, e.Reason);
            return;
        }

        if (app.App.BaseAddress is null)
        {
            WriteStatus(context, StatusCode.Internal, "app channel is not initialized");
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path.TrimStart('/'), UriKind.Relative))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StreamContent(context.Request.Body),
        };
        foreach (var (name, values) in headers)
        {
            if (NotForwarded.Contains(name) || name.StartsWith(':') || name.Equals(CalleeHeader, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        if (!local)
        {
            request.Headers.TryAddWithoutValidation(AppRequests.CallerAppIdHeader, caller.AppId);
            request.Headers.TryAddWithoutValidation(CalleeHeader, app.AppId);
        }

        HttpResponseMessage response;
        try
        {
            response = await app.App.SendAsync(request, context.RequestAborted, HttpCompletionOption.ResponseHeadersRead);
        }
        catch (HttpRequestException e)
        {
            WriteStatus(context, StatusCode.Unavailable, $"error invoking app channel: {e.Message}");
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!name.Equals("content-length", StringComparison.OrdinalIgnoreCase) && !name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.Headers.Append(name, values.ToArray());
                }
            }

            await using (var body = await response.Content.ReadAsStreamAsync(context.RequestAborted))
            {
                await body.CopyToAsync(context.Response.Body, context.RequestAborted);
            }

            foreach (var (name, values) in response.TrailingHeaders)
            {
                context.Response.AppendTrailer(name, values.ToArray());
            }
        }
    }

    // A trailers-only answer: the status in the headers, no message.
    private static void WriteStatus(HttpContext context, StatusCode code, string message)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }
}
