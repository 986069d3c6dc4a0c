using System.Security.Claims;
using System.Threading.RateLimiting;
using DaprOrders.ServiceDefaults;
using DaprOrders.ServiceDefaults.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace DaprOrders.Orders.Security;

/// <summary>
/// JWT bearer authentication of <c>/v1/orders</c> (when an authority or a signing key is configured) and the rate
/// limit of its POSTs. The Dapr routes are guarded by the app API token instead (ServiceDefaults).
/// </summary>
internal static class OrdersSecurity
{
    /// <summary>The rate limiter policy of POST /v1/orders.</summary>
    public const string PostPolicy = "orders-post";

    /// <summary>
    /// Where `dotnet user-jwts` puts the signing keys of local tokens (user secrets), which ASP.NET Core's JwtBearer
    /// reads from configuration by itself.
    /// </summary>
    private const string LocalSigningKeys = "Authentication:Schemes:Bearer:SigningKeys";

    /// <summary>
    /// JwtBearer when <c>Auth:Authority</c> or a local signing key is configured (else the API stays open), the
    /// caller rule (<see cref="OrdersCallers"/>) and the POST rate limiter with its options.
    /// </summary>
    public static WebApplicationBuilder AddOrdersSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var auth = builder.Configuration.GetSection(OrdersAuthOptions.Section).Get<OrdersAuthOptions>() ?? new OrdersAuthOptions();
        var on = !string.IsNullOrWhiteSpace(auth.Authority) || builder.Configuration.GetSection(LocalSigningKeys).Exists();
        services.AddSingleton(new OrdersCallers(on, auth.AdminRole));

        var authentication = services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme);
        if (on)
        {
            // Issuer, audiences and local signing keys also come from Authentication:Schemes:Bearer (user-jwts).
            authentication.AddJwtBearer(options =>
            {
                if (!string.IsNullOrWhiteSpace(auth.Authority))
                {
                    options.Authority = auth.Authority;
                }

                if (!string.IsNullOrWhiteSpace(auth.Audience))
                {
                    options.Audience = auth.Audience;
                }

                // Claims as the issuer wrote them: `sub` is the customer id, `role` and `scope` say who is an admin.
                options.MapInboundClaims = false;
                options.TokenValidationParameters.NameClaimType = OrdersCallers.SubjectClaim;
                options.TokenValidationParameters.RoleClaimType = OrdersCallers.RoleClaim;
            });
        }

        services.AddAuthorization();

        services.AddValidatedOptions<OrdersRateLimitOptions>(OrdersRateLimitOptions.Section);
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<OrdersRateLimitOptions>>((limiter, limits) =>
        {
            limiter.AddPolicy(PostPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                CallerKey(context),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.Value.PermitLimit, Window = limits.Value.Window, QueueLimit = 0 }));
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
        });
        return builder;
    }

    /// <summary>Authentication, authorization and the rate limiter, in that order (the limiter partitions by caller).</summary>
    public static WebApplication UseOrdersSecurity(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<OrdersCallers>().AuthenticationOn)
        {
            app.Logger.LogWarning(
                "No {Setting} and no signing key configured: /v1/orders is open, anyone may place and read any customer's orders",
                $"{OrdersAuthOptions.Section}:{nameof(OrdersAuthOptions.Authority)}");
        }

        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    // The token's subject when there is one: a customer behind a shared address (an office, a proxy) is limited
    // alone. Without authentication, the client's address.
    private static string CallerKey(HttpContext context) =>
        context.User.FindFirstValue(OrdersCallers.SubjectClaim) is { Length: > 0 } subject
            ? $"sub:{subject}"
            : $"ip:{context.Connection.RemoteIpAddress}";

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        // A fixed window knows when it reopens; without that, a second is as good a guess as any.
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var reopens) ? reopens : TimeSpan.FromSeconds(1);
        var seconds = RetryLaterProblem.WholeSeconds(retryAfter);
        await RetryLaterProblem.TooManyRequests($"Too many orders from this caller; try again in {seconds} s.", retryAfter)
            .ExecuteAsync(rejected.HttpContext);
    }
}
