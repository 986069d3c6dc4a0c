using System.Text;
using Dapr.Client.Autogen.Grpc.v1;
using DaprOrders.LocalDapr.Grpc;
using DaprOrders.LocalDapr.Sidecars;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.WebUtilities;
using ErrorInfo = Google.Rpc.ErrorInfo;
using RpcStatus = Google.Rpc.Status;

namespace DaprOrders.LocalDapr.Invocation;

/// <summary>
/// The service invocation API (docs reference/api/service_invocation_api.md; dapr pkg/api/http/directmessaging.go,
/// pkg/api/grpc/grpc.go InvokeService): HTTP `/v1.0/invoke/{appId}/method/{method}` with any verb, the same call
/// on any other path with a `dapr-app-id` header (or basic auth `dapr-app-id:{appId}`), and gRPC `InvokeService`.
/// </summary>
public static class InvocationApi
{
    private const string AppIdHeader = "dapr-app-id";
    private const string ErrorCode = "ERR_DIRECT_INVOKE";

    // HTTPExtension.Verb's names; daprd turns any other verb into POST (pkg/messaging/v1 WithHTTPExtension).
    private static readonly HashSet<string> Verbs = new(StringComparer.Ordinal) { "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH" };

    // Go's net/http keeps these in Header; daprd's gRPC answer prefixes them `dapr-` (pkg/messaging/v1/util.go isPermanentHTTPHeader).
    private static readonly HashSet<string> PermanentHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Accept", "Accept-Charset", "Accept-Language", "Accept-Ranges", "Connection", "Keep-Alive", "Proxy-Connection",
        "Transfer-Encoding", "Upgrade", "Cache-Control", "Content-Type", "Content-Length", "Cookie", "Date", "Expect",
        "From", "Host", "If-Match", "If-Modified-Since", "If-None-Match", "If-Schedule-Tag-Match", "If-Unmodified-Since",
        "Max-Forwards", "Origin", "Pragma", "Referer", "Via", "Warning",
    };

    public static void MapHttp(IEndpointRouteBuilder endpoints, InvocationFeature feature)
    {
        endpoints.Map("/v1.0/invoke/{**rest}", (HttpContext context, Sidecar sidecar) => InvokeAsync(context, sidecar, feature));

        // daprd's router hands every route it does not know (and every verb a route does not take) to service
        // invocation, which then needs the app id from the header or basic auth.
        // On the gRPC port that is a call to a service the sidecar does not serve: gRPC proxying.
        endpoints.Map("{**path}", (HttpContext context, Sidecar sidecar) =>
            GrpcProxy.IsGrpc(context.Request) ? GrpcProxy.ProxyAsync(context, sidecar, feature) : InvokeAsync(context, sidecar, feature));
    }

    public static void MapGrpc(DaprGrpcMethods methods, InvocationFeature feature) =>
        methods.Unary<InvokeServiceRequest, InvokeResponse>("InvokeService", async (request, context) =>
        {
            var sidecar = context.GetHttpContext().RequestServices.GetRequiredService<Sidecar>();
            var message = request.Message ?? new InvokeRequest();
            AppAnswer answer;
            try
            {
                var verb = message.HttpExtension?.Verb
                    ?? throw InvocationException.FromCallee(request.Id, StatusCode.InvalidArgument, "missing HTTP extension field");
                if (verb is HTTPExtension.Types.Verb.None or HTTPExtension.Types.Verb.Connect)
                {
                    throw InvocationException.FromCallee(request.Id, StatusCode.InvalidArgument, $"invalid HTTP verb: {verb.ToString().ToUpperInvariant()}");
                }

                var headers = context.RequestHeaders.Where(h => !h.IsBinary).Select(h => KeyValuePair.Create(h.Key, h.Value)).ToList();
                var call = new AppCall(
                    request.Id, message.Method, verb.ToString().ToUpperInvariant(), message.HttpExtension.Querystring, headers,
                    message.Data?.Value.Memory ?? ReadOnlyMemory<byte>.Empty, message.ContentType);
                answer = await feature.InvokeAsync(sidecar, call, anyFailureRetries: true, context.CancellationToken);
            }
            catch (InvocationException e)
            {
                throw e.Raw ? new RpcException(new Status(e.Code, e.Reason)) : new RpcException(new Status(StatusCode.Internal, e.Message));
            }

            var responseHeaders = new Metadata();
            foreach (var (name, value) in answer.Headers)
            {
                responseHeaders.Add(PermanentHeaders.Contains(name) ? "dapr-" + name.ToLowerInvariant() : name.ToLowerInvariant(), value);
            }

            if (answer.ContentType is { } contentType)
            {
                responseHeaders.Add("dapr-content-type", contentType);
            }

            responseHeaders.Add("dapr-http-status", answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await context.WriteResponseHeadersAsync(responseHeaders);
            if (answer.Status is >= 200 and < 300)
            {
                return new InvokeResponse { Data = new Any { Value = ByteString.CopyFrom(answer.Body) }, ContentType = answer.ContentType ?? "" };
            }

            throw HttpFailure(answer);
        });

    private static async Task InvokeAsync(HttpContext context, Sidecar sidecar, InvocationFeature feature)
    {
        var request = context.Request;
        var (target, method) = FindTarget(request);
        if (target is null)
        {
            await SidecarApi.Error(StatusCodes.Status404NotFound, ErrorCode, "failed getting app id either from the URL path or the header dapr-app-id").ExecuteAsync(context);
            return;
        }

        var verb = request.Method.ToUpperInvariant();
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = request.Headers
            .Where(h => !h.Key.Equals(AppIdHeader, StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v ?? "")))
            .ToList();
        var call = new AppCall(
            target, method, Verbs.Contains(verb) ? verb : "POST", request.QueryString.Value?.TrimStart('?') ?? "", headers,
            body.GetBuffer().AsMemory(0, (int)body.Length), request.ContentType);
        try
        {
            if (call.Verb == "CONNECT")
            {
                throw InvocationException.FromCallee(target, StatusCode.InvalidArgument, "invalid HTTP verb: CONNECT");
            }

            var answer = await feature.InvokeAsync(sidecar, call, anyFailureRetries: false, context.RequestAborted);
            var response = context.Response;
            response.StatusCode = answer.Status;
            foreach (var (name, value) in answer.Headers)
            {
                response.Headers.Append(name, value);
            }

            if (answer.ContentType is { } contentType)
            {
                response.ContentType = contentType;
            }

            await response.Body.WriteAsync(answer.Body, context.RequestAborted);
        }
        catch (InvocationException e)
        {
            var status = e.Code == StatusCode.PermissionDenied ? StatusCodes.Status403Forbidden : StatusCodes.Status500InternalServerError;
            await SidecarApi.Error(status, ErrorCode, e.Message).ExecuteAsync(context);
        }
    }

    /// <summary>
    /// daprd's findTargetIDAndMethod: the `dapr-app-id` header, else basic auth `dapr-app-id:{appId}` (the method is
    /// then the whole path), else `/v1.0/invoke/{appId}/method/{method}` (the id URL-unescaped).
    /// </summary>
    private static (string? Target, string Method) FindTarget(HttpRequest request)
    {
        var path = request.Path.Value ?? "/";
        if (request.Headers[AppIdHeader].ToString() is { Length: > 0 } header)
        {
            return (header, path.TrimStart('/'));
        }

        if (request.Headers.Authorization.ToString() is { } authorization
            && authorization.StartsWith("Basic ", StringComparison.Ordinal)
            && TryDecodeBase64(authorization["Basic ".Length..]) is { } pair
            && pair.Split(':') is [var user, var appId]
            && user.Equals(AppIdHeader, StringComparison.OrdinalIgnoreCase))
        {
            return (appId, path.TrimStart('/'));
        }

        const string Prefix = "/v1.0/invoke/";
        if (path.StartsWith(Prefix, StringComparison.Ordinal) && path.IndexOf("/method/", Prefix.Length - 1, StringComparison.Ordinal) is var at && at >= Prefix.Length)
        {
            var target = Uri.UnescapeDataString(path[Prefix.Length..at]);
            var method = path[(at + "/method/".Length)..];
            return (target.Length > 0 ? target : null, method);
        }

        return (null, "");
    }

    private static string? TryDecodeBase64(string text)
    {
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text, bytes, out var written) ? Encoding.UTF8.GetString(bytes, 0, written) : null;
    }

    /// <summary>
    /// An HTTP app's non-2xx answer over gRPC: the code for the status, the status text, and an ErrorInfo with the
    /// HTTP code and the start of the body (dapr pkg/messaging/v1/util.go ErrorFromHTTPResponseCode).
    /// </summary>
    private static RpcException HttpFailure(AppAnswer answer)
    {
        var text = ReasonPhrases.GetReasonPhrase(answer.Status);
        var detail = Encoding.UTF8.GetString(answer.Body.AsSpan(0, Math.Min(answer.Body.Length, 63)));
        var info = new ErrorInfo { Reason = text, Domain = "dapr.io" };
        info.Metadata["http.code"] = answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Metadata["http.error_message"] = detail;
        var status = new RpcStatus { Code = (int)CodeOf(answer.Status), Message = text };
        status.Details.Add(Any.Pack(info));
        return status.ToRpcException();
    }

    /// <summary>
    /// dapr pkg/messaging/v1/util.go CodeFromHTTPStatus.
    /// </summary>
    private static StatusCode CodeOf(int status) => status switch
    {
        >= 200 and < 300 => StatusCode.OK,
        408 => StatusCode.Cancelled,
        500 => StatusCode.Unknown,
        400 => StatusCode.Internal,
        504 => StatusCode.DeadlineExceeded,
        404 => StatusCode.NotFound,
        409 => StatusCode.AlreadyExists,
        403 => StatusCode.PermissionDenied,
        401 => StatusCode.Unauthenticated,
        429 => StatusCode.ResourceExhausted,
        501 => StatusCode.Unimplemented,
        503 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };
}
