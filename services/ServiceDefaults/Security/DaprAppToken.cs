using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DaprOrders.ServiceDefaults.Security;

/// <summary>
/// Dapr's app API token ("Authenticate requests from Dapr", https://docs.dapr.io/operations/security/app-api-token/):
/// daprd started with APP_API_TOKEN sends it as the <c>dapr-api-token</c> header on every call to its app
/// (dapr/dapr pkg/channel/http/http_channel.go). With the variable set, the routes only daprd calls refuse any
/// request without that header, before routing, so a refused request changes nothing. The public routes and the
/// health endpoints (kubelet probes carry no token) are not checked.
/// </summary>
public static class DaprAppToken
{
    /// <summary>The configuration key (and environment variable) daprd and the app share the token through.</summary>
    public const string ConfigurationKey = "APP_API_TOKEN";

    /// <summary>The header daprd sends the token in.</summary>
    public const string Header = "dapr-api-token";

    /// <summary>
    /// Path prefixes only the sidecar calls: discovery and actor config (<c>/dapr</c>), topic deliveries
    /// (<c>/events</c>, see <c>TopicSubscriptionExtensions.RouteFor</c>) and actor calls, reminders and timers
    /// (<c>/actors</c>). No service has workflow callbacks: the orders workflow worker pulls its work over gRPC.
    /// </summary>
    public static IReadOnlyList<string> SidecarPaths { get; } = ["/dapr", "/events", "/actors"];

    /// <summary>Whether <paramref name="path"/> is a route only the sidecar calls.</summary>
    public static bool IsSidecarPath(PathString path) => SidecarPaths.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Refuses sidecar-only routes without the app API token (401 problem details) when APP_API_TOKEN is configured;
    /// without it, does nothing (a local run without a token, as with daprd).
    /// </summary>
    public static IApplicationBuilder UseDaprAppToken(this IApplicationBuilder app)
    {
        var configured = app.ApplicationServices.GetRequiredService<IConfiguration>()[ConfigurationKey];
        if (string.IsNullOrEmpty(configured))
        {
            return app;
        }

        var expected = Digest(configured);
        return app.Use(async (context, next) =>
        {
            if (!IsSidecarPath(context.Request.Path) || Matches(context.Request.Headers[Header], expected))
            {
                await next(context);
                return;
            }

            await TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Only the Dapr sidecar may call this route.",
                detail: $"The '{Header}' header is missing or does not carry the app API token.").ExecuteAsync(context);
        });
    }

    // Both sides are hashed first, so the comparison takes the same time whatever the given token's length and
    // content: no timing signal about the secret.
    private static bool Matches(string? given, byte[] expected) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Digest(given), expected);

    private static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
