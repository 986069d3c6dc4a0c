using System.Text.Json;
using DaprOrders.Contracts;
using DaprOrders.ServiceDefaults.Health;
using DaprOrders.ServiceDefaults.Hosting;
using DaprOrders.ServiceDefaults.Publishing;
using DaprOrders.ServiceDefaults.Security;
using DaprOrders.ServiceDefaults.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DaprOrders.ServiceDefaults;

/// <summary>What every DaprOrders service shares: Dapr client, JSON, errors, validation, health, telemetry.</summary>
public static class ServiceDefaultsExtensions
{
    public const string LivenessPath = "/healthz";
    public const string ReadinessPath = "/readyz";
    private const string LiveTag = "live";

    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        builder.ListenOnAppPortUnlessUrlsConfigured();
        builder.UseDeliberateRequestLimits();

        var services = builder.Services;
        services.AddDaprClient(client => client.UseJsonSerializationOptions(ContractsJson.Options));
        services.ConfigureHttpJsonOptions(options => CopyContractsJson(options.SerializerOptions));

        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Malformed bodies throw BadHttpRequestException in every environment, so the handler above can explain
        // the problem in the problem details instead of an empty 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddValidation();

        services.AddHealthChecks()
            // Liveness says only "the process answers": restarting the app never fixes a missing sidecar.
            .AddCheck("self", () => HealthCheckResult.Healthy(), tags: [LiveTag])
            .AddCheck<DaprSidecarHealthCheck>("dapr-sidecar");

        services.AddSingleton<IEventPublisher, DaprEventPublisher>();
        services.AddSingleton<IStateStore, DaprStateStore>();

        builder.AddOpenTelemetryDefaults();
        return builder;
    }

    /// <summary>
    /// Error handling, the app API token on the sidecar-only routes (<see cref="DaprAppToken"/>), CloudEvents unwrapping, <c>/dapr/subscribe</c> and health endpoints, in every environment.
    /// Services with actors also call <c>app.MapActorsHandlers()</c> (Dapr.Actors.AspNetCore), or pass
    /// <paramref name="actors"/>: its own <c>/healthz</c> runs at route order 100, so ours (order 0) answers.
    /// </summary>
    public static WebApplication MapServiceDefaults(this WebApplication app, bool actors = false)
    {
        app.UseExceptionHandler();
        // Before anything reads the body: a request to a sidecar-only route without the app API token is refused
        // as it arrives.
        app.UseDaprAppToken();
        app.UseStatusCodePages();
        app.UseCloudEvents();

        app.MapSubscribeHandler();
        if (actors)
        {
            app.MapActorsHandlers();
        }

        app.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        app.MapHealthChecks(ReadinessPath);
        return app;
    }

    // HttpJsonOptions.SerializerOptions cannot be replaced, only filled: copy what ContractsJson decides.
    private static void CopyContractsJson(JsonSerializerOptions target)
    {
        var source = ContractsJson.Options;
        target.PropertyNamingPolicy = source.PropertyNamingPolicy;
        target.PropertyNameCaseInsensitive = source.PropertyNameCaseInsensitive;
        target.NumberHandling = source.NumberHandling;
        target.DefaultIgnoreCondition = source.DefaultIgnoreCondition;
        target.DictionaryKeyPolicy = source.DictionaryKeyPolicy;
        foreach (var converter in source.Converters)
        {
            target.Converters.Add(converter);
        }
    }
}
