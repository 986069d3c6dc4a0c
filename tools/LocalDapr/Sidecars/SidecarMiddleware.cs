namespace DaprOrders.LocalDapr.Sidecars;

/// <summary>
/// What daprd does to every request before routing.
/// </summary>
public static class SidecarMiddleware
{
    public const string ApiTokenHeader = "dapr-api-token";

    /// <summary>
    /// daprd `path.Clean`s the URL (CleanPathMiddleware): the actor SDK sends `//v1.0/...` because its default
    /// endpoint ends with a slash.
    /// </summary>
    public static IApplicationBuilder UseCleanPath(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var path = context.Request.Path.Value;
        if (path is not null && path.Contains("//", StringComparison.Ordinal))
        {
            while (path.Contains("//", StringComparison.Ordinal))
            {
                path = path.Replace("//", "/", StringComparison.Ordinal);
            }

            context.Request.Path = new PathString(path);
        }

        return next(context);
    });

    /// <summary>
    /// With DAPR_API_TOKEN set, daprd rejects calls without `dapr-api-token: {token}` (HTTP 401 "invalid api token",
    /// gRPC Unauthenticated), except the GET health routes, and strips the header once checked.
    /// </summary>
    public static IApplicationBuilder UseApiToken(this IApplicationBuilder app, string? token) => app.Use(async (context, next) =>
    {
        if (token is not { Length: > 0 } || IsExempt(context.Request))
        {
            await next(context);
            return;
        }

        var given = context.Request.Headers[ApiTokenHeader].ToString();
        if (!string.Equals(given, token, StringComparison.Ordinal))
        {
            if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
            {
                // A trailers-only gRPC response: status in the headers, no body.
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/grpc";
                context.Response.Headers["grpc-status"] = "16";
                context.Response.Headers["grpc-message"] = "authentication error: api token mismatch";
                return;
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("invalid api token", context.RequestAborted);
            return;
        }

        context.Request.Headers.Remove(ApiTokenHeader);
        await next(context);
    });

    private static bool IsExempt(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && (request.Path.Equals("/v1.0/healthz", StringComparison.Ordinal)
            || request.Path.Equals("/v1.0/healthz/outbound", StringComparison.Ordinal));
}
