using System.Net;
using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Grpc;
using DaprOrders.LocalDapr.Telemetry;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace DaprOrders.LocalDapr.Sidecars;

/// <summary>
/// One sidecar: a Kestrel host on 127.0.0.1 with the Dapr HTTP API (HTTP/1.1) on one port and the Dapr gRPC API
/// (HTTP/2 only, h2c with prior knowledge, as the SDK connects) on another. It outlives app restarts.
/// </summary>
internal sealed class SidecarHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SidecarHost(WebApplication app, Sidecar sidecar, SidecarStatus status)
    {
        _app = app;
        Sidecar = sidecar;
        Status = status;
    }

    public Sidecar Sidecar { get; }

    public SidecarStatus Status { get; }

    public static async Task<SidecarHost> StartAsync(
        SidecarSpec spec, int index, RuntimeResources resources, ILoggerFactory loggers, IReadOnlyList<ISidecarFeature> features,
        HttpClient appHttp, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);

        ListenOptions? httpListen = null;
        ListenOptions? grpcListen = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, spec.HttpPort ?? 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                httpListen = listen;
            });
            kestrel.Listen(IPAddress.Loopback, spec.GrpcPort ?? 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                grpcListen = listen;
            });
        });

        // The Sidecar needs the bound ports, known only after start; handlers resolve it from DI at request time.
        Sidecar? sidecar = null;
        var status = new SidecarStatus();
        builder.Services.AddSingleton(_ => sidecar ?? throw new InvalidOperationException("The sidecar is not started."));
        builder.Services.AddSingleton(status);

        var methods = new DaprGrpcMethods();
        SidecarApi.MapGrpc(methods, resources);
        foreach (var feature in features)
        {
            feature.MapGrpc(methods);
        }

        // Unknown gRPC services fall through to the routes, where service invocation proxies them (`dapr-app-id`).
        builder.Services.AddGrpc(grpc => grpc.IgnoreUnknownServices = true);
        builder.Services.AddSingleton(methods);
        builder.Services.AddSingleton<IServiceMethodProvider<DaprGrpcService>, DaprGrpcMethodProvider>();

        var app = builder.Build();
        app.UseCleanPath();
        app.UseApiTracing(spec.AppId);
        app.UseApiToken(spec.DaprApiToken);
        app.UseRouting();
        app.MapGrpcService<DaprGrpcService>();
        SidecarApi.MapHttp(app, resources, features);
        foreach (var feature in features)
        {
            feature.MapHttp(app);
        }

        await app.StartAsync(cancellationToken);

        var instance = new AppInstance(
            spec.AppId,
            index,
            spec.AppPort,
            PortOf(httpListen),
            PortOf(grpcListen),
            spec.AppApiToken,
            spec.DaprApiToken) { AppProtocol = spec.AppProtocol };
        var logger = loggers.CreateLogger($"LocalDapr.Sidecar.{instance.InstanceName}");
        sidecar = new Sidecar(instance, new AppChannel(instance, appHttp), logger);
        return new SidecarHost(app, sidecar, status);
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }

    private static int PortOf(ListenOptions? listen) =>
        (listen?.EndPoint as IPEndPoint)?.Port ?? throw new InvalidOperationException("Kestrel did not report its port.");
}

/// <summary>
/// What a sidecar is started with: its app, the ports to bind (null = a free port) and its tokens (already resolved
/// against the runtime's defaults).
/// </summary>
internal sealed record SidecarSpec(string AppId, int? AppPort, int? HttpPort, int? GrpcPort, string? DaprApiToken, string? AppApiToken, string AppProtocol);
