using System.Collections.Concurrent;
using System.Reflection;
using Dapr.Client;
using DaprOrders.Contracts;
using DaprOrders.LocalDapr.PubSub;
using DaprOrders.LocalDapr.Runs;
using DaprOrders.LocalDapr.Runtime;
using DaprOrders.LocalDapr.Sidecars;
using Microsoft.Extensions.Logging;

using DaprOrders.Tests;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>
/// The order system on the local Dapr runtime, as `localdapr run -f dapr.yaml` runs it: the repo's
/// components/local, the real service processes (`dotnet &lt;Service&gt;.dll`, given only the standard Dapr
/// variables by the runtime) on free ports, and a sidecar-only <see cref="AppIds.Loader"/> instance that
/// publishes what the loaders CLI would (stock levels, customers, payments).
/// <code>
/// await using var system = await OrderSystem.StartAsync(OrderSystem.OrderServices, ct);
/// await system.SetStockAsync(Product.Jumpers, 100, ct);
/// using var created = await system.Orders.PostOrderAsync(order, ct);
/// </code>
/// An app id listed twice runs as two instances (scale-out); <see cref="OrdersInstances"/> has a client per
/// orders instance. A new app needs a ProjectReference and a `ServiceDll:&lt;app id&gt;` AssemblyMetadata in the csproj.
/// </summary>
public sealed class OrderSystem : IAsyncDisposable
{
    /// <summary>
    /// Generous upper bound for anything a test waits for; normally not reached.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The services that validate orders: orders plus its three validators.
    /// </summary>
    public static readonly IReadOnlyList<string> OrderServices = [AppIds.Orders, AppIds.OrderDetails, AppIds.Fraud, AppIds.Inventory];

    private const int OutputLinesKept = 400;

    private readonly ConcurrentQueue<string> _output = new();
    private readonly StreamWriter _log;
    private readonly Lock _logGate = new();
    private readonly string _folder;
    private readonly ILoggerFactory _loggers;
    private readonly List<AppInstance> _apps = [];
    private readonly List<HttpClient> _ordersInstances = [];
    private DaprClient? _loader;
    private bool _logClosed;

    private OrderSystem(string folder, LocalDaprRuntime runtime, ILoggerFactory loggers, string logFile, string appApiToken, string daprApiToken)
    {
        AppApiToken = appApiToken;
        DaprApiToken = daprApiToken;
        _folder = folder;
        _loggers = loggers;
        Runtime = runtime;
        LogFile = logFile;
        _log = new StreamWriter(logFile) { AutoFlush = true };
    }

    public LocalDaprRuntime Runtime { get; }

    /// <summary>
    /// The app API token every sidecar sends its app (APP_API_TOKEN), on as in a local run: the services refuse
    /// calls of their Dapr routes without it.
    /// </summary>
    public string AppApiToken { get; }

    /// <summary>
    /// The Dapr API token every sidecar requires (DAPR_API_TOKEN), on as the chart sets it: the services' SDK calls
    /// (publish, state, actors, workflows) must carry it.
    /// </summary>
    public string DaprApiToken { get; }

    /// <summary>
    /// The running app instances (not the loader).
    /// </summary>
    public IReadOnlyList<AppInstance> Apps => _apps;

    /// <summary>
    /// One client per orders instance, in start order, each with a timeout above the longest long poll.
    /// </summary>
    public IReadOnlyList<HttpClient> OrdersInstances => _ordersInstances;

    /// <summary>
    /// The orders REST API of the first orders instance.
    /// </summary>
    public HttpClient Orders => _ordersInstances.Count > 0
        ? _ordersInstances[0]
        : throw new InvalidOperationException("This system runs no orders instance.");

    /// <summary>
    /// Where the smtp binding writes each mail as an .eml file.
    /// </summary>
    public string MailFolder => Runtime.MailFolder;

    /// <summary>
    /// The runtime's Kafka cluster, for reading topics and consumer group offsets.
    /// </summary>
    public string BootstrapServers => Runtime.Features.OfType<PubSubFeature>().Single().BootstrapServers
        ?? throw new InvalidOperationException("The components declare no pub/sub.");

    /// <summary>
    /// The last lines the apps wrote, prefixed with their instance: put them in assertion messages.
    /// </summary>
    public string RecentOutput => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// Everything the apps wrote, kept after the run (under the test output folder, `e2e-logs/`) for post-mortems.
    /// </summary>
    public string LogFile { get; }

    /// <summary>
    /// Where the runtime lists itself: `LOCALDAPR_HOME` for the `localdapr` commands that should find this system.
    /// </summary>
    public LocalDaprHome Home => HomeIn(_folder);

    /// <summary>
    /// The DaprClient of the loader's sidecar (app id <see cref="AppIds.Loader"/>), as the loaders CLI has.
    /// </summary>
    public DaprClient Loader => _loader ?? throw new InvalidOperationException("Not started.");

    /// <summary>
    /// Starts the runtime with components/local, the loader's sidecar and <paramref name="appIds"/> (an id given
    /// twice starts two instances). <paramref name="env"/> is added to every app's environment (configuration
    /// such as `Fraud__Limit`). Returns once every app listens and its subscriptions and actors are in place.
    /// </summary>
    public static Task<OrderSystem> StartAsync(
        IReadOnlyList<string> appIds, IReadOnlyDictionary<string, string>? env, CancellationToken cancellationToken) =>
        StartAsync(appIds, env, otlpEndpoint: null, cancellationToken);

    /// <summary>
    /// As above, with the runtime and every app exporting telemetry to <paramref name="otlpEndpoint"/> (OTLP/gRPC),
    /// as `localdapr run --dashboard` has them export to the dashboard.
    /// </summary>
    public static async Task<OrderSystem> StartAsync(
        IReadOnlyList<string> appIds, IReadOnlyDictionary<string, string>? env, Uri? otlpEndpoint, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("daprorders-e2e-").FullName;
        OrderSystem? system = null;
        // The runtime's own log (deliveries, retries, dead letters) goes to the same place as the apps' output.
        var loggers = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddProvider(new LineLoggerProvider(line => system?.Keep(line))));
        var appApiToken = Guid.NewGuid().ToString("N");
        var daprApiToken = Guid.NewGuid().ToString("N");
        var runtime = await LocalDaprRuntime.StartAsync(new LocalDaprOptions
        {
            AppApiToken = appApiToken,
            DaprApiToken = daprApiToken,
            ResourcesPaths = [Metadata("LocalComponents")],
            MailFolder = Path.Combine(folder, "mail"),
            AppOutput = line => system?.Keep(line),
            LoggerFactory = loggers,
            AppReadyTimeout = Timeout,
            // As `localdapr run`: an app that crashes (not one a test stops through the runtime) comes back.
            RestartPolicy = RestartPolicy.Default,
            // Listed as `localdapr run` lists itself, in this system's own home, for `localdapr invoke` and the like.
            Home = HomeIn(folder),
            OtlpEndpoint = otlpEndpoint,
        }, cancellationToken);
        var logs = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "e2e-logs")).FullName;
        system = new OrderSystem(folder, runtime, loggers, Path.Combine(logs, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{string.Join('+', appIds.Distinct())}-{Path.GetFileName(folder)}.log"), appApiToken, daprApiToken);
        try
        {
            await system.StartAppsAsync(appIds, env ?? new Dictionary<string, string>(), cancellationToken);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    public static Task<OrderSystem> StartAsync(IReadOnlyList<string> appIds, CancellationToken cancellationToken) =>
        StartAsync(appIds, null, cancellationToken);

    /// <summary>
    /// The dll of app <paramref name="appId"/> in its build output (built with this project).
    /// </summary>
    public static string ServiceDll(string appId) => Metadata($"ServiceDll:{appId}");

    private async Task StartAppsAsync(IReadOnlyList<string> appIds, IReadOnlyDictionary<string, string> env, CancellationToken cancellationToken)
    {
        var loaderSidecar = await Runtime.StartAppAsync(new AppSpec(AppIds.Loader, [], _folder), cancellationToken);
        _loader = new DaprClientBuilder()
            .UseGrpcEndpoint($"http://127.0.0.1:{loaderSidecar.GrpcPort}")
            .UseHttpEndpoint($"http://127.0.0.1:{loaderSidecar.HttpPort}")
            .UseDaprApiToken(DaprApiToken)
            .UseJsonSerializationOptions(ContractsJson.Options)
            .Build();

        // Different apps start side by side (start-up is mostly waiting for processes); instances of one app one
        // after the other, as the runtime numbers them in start order.
        var started = await Task.WhenAll(appIds.GroupBy(id => id, StringComparer.Ordinal).Select(async group =>
        {
            var instances = new List<AppInstance>();
            foreach (var appId in group)
            {
                var dll = ServiceDll(appId);
                var spec = new AppSpec(appId, ["dotnet", dll], Path.GetDirectoryName(dll)!) { AppPort = FreePort(), Env = env };
                var instance = await Runtime.StartAppAsync(spec, cancellationToken);
                await EnsureServingAsync(instance, cancellationToken);
                instances.Add(instance);
            }

            return instances;
        }));

        _apps.AddRange(started.SelectMany(instances => instances));
        _ordersInstances.AddRange(_apps.Where(a => a.AppId == AppIds.Orders).Select(HttpFor));
    }

    /// <summary>
    /// The runtime calls an app ready when its port accepts connections; make sure it is this app that answers
    /// (its liveness endpoint) and that it is still running, else fail the start with the app's output.
    /// </summary>
    private async Task EnsureServingAsync(AppInstance instance, CancellationToken cancellationToken)
    {
        using var http = HttpFor(instance);
        using var health = await http.GetAsync(new Uri("healthz", UriKind.Relative), cancellationToken);
        if (!health.IsSuccessStatusCode || Runtime.ExitOf(instance).IsCompleted)
        {
            throw new InvalidOperationException(
                $"App {instance.InstanceName} is not serving on port {instance.AppPort} (healthz {(int)health.StatusCode}). " +
                $"Its output:{Environment.NewLine}{Runtime.RecentOutputOf(instance)}");
        }
    }

    /// <summary>
    /// An HTTP client for an app instance's own port, with a timeout above the longest long poll.
    /// </summary>
    public static HttpClient HttpFor(AppInstance instance) => new()
    {
        BaseAddress = new Uri($"http://127.0.0.1:{instance.AppPort}/"),
        Timeout = Timeout + TimeSpan.FromSeconds(30),
    };

    /// <summary>
    /// Publishes <paramref name="message"/> on <see cref="DaprComponents.PubSub"/> as the loader, keyed by
    /// <paramref name="key"/> (the Kafka record key, so one entity's events stay in order).
    /// </summary>
    public Task PublishAsync<T>(string topic, string key, T message, CancellationToken cancellationToken) =>
        Loader.PublishEventAsync(DaprComponents.PubSub, topic, message, new Dictionary<string, string>(PublishMetadata.KeyedBy(key)), cancellationToken);

    /// <summary>
    /// Sets a product's stock level (inventory keeps its reservations) and returns once inventory has taken it.
    /// </summary>
    public async Task SetStockAsync(Product product, int quantity, CancellationToken cancellationToken)
    {
        await PublishAsync(Topics.WarehouseInventory, WireNames.Of(product), new StockLevel(product, quantity), cancellationToken);
        await Kafka.WaitUntilConsumedAsync(AppIds.Inventory, Topics.WarehouseInventory, cancellationToken);
    }

    /// <summary>
    /// The topics and consumer groups of this system's Kafka cluster.
    /// </summary>
    public KafkaTopics Kafka => new(BootstrapServers);

    /// <summary>A port for an app to listen on, free right now (see <see cref="AppPorts"/>).</summary>
    public static int FreePort() => AppPorts.Free();

    private void Keep(string line)
    {
        lock (_logGate)
        {
            if (!_logClosed)
            {
                _log.WriteLine(line);
            }
        }

        _output.Enqueue(line);
        while (_output.Count > OutputLinesKept && _output.TryDequeue(out _))
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _ordersInstances)
        {
            client.Dispose();
        }

        _loader?.Dispose();
        await Runtime.DisposeAsync();
        _loggers.Dispose();
        lock (_logGate)
        {
            _logClosed = true;
            _log.Dispose();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static LocalDaprHome HomeIn(string folder) => new(Path.Combine(folder, "home"));

    private static string Metadata(string key) =>
        typeof(OrderSystem).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
            ?? throw new InvalidOperationException($"No AssemblyMetadata '{key}' in the test assembly: add it to the csproj.");
}
