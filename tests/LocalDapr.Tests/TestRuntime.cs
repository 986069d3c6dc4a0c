using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json.Nodes;
using Dapr.Client;
using DaprOrders.LocalDapr.Runs;
using DaprOrders.LocalDapr.Runtime;
using DaprOrders.LocalDapr.Sidecars;

using DaprOrders.Tests;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// A local runtime for one test: its own resources folder (the YAML files given), mail folder and free ports.
/// Start apps with <see cref="StartTestAppAsync"/> (the TestApp as a child process, exactly as `run -f` does)
/// or <see cref="StartSidecarAsync"/> (a sidecar only, to call with a DaprClient from the test).
/// </summary>
public sealed class TestRuntime : IAsyncDisposable
{
    /// <summary>
    /// Generous upper bound for anything a test waits for; normally not reached.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public const string StateStoreYaml = """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: statestore
        spec:
          type: state.in-memory
          version: v1
          metadata:
            - name: actorStateStore
              value: "true"
        """;

    public const string MailYaml = """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: email
        spec:
          type: bindings.smtp
          version: v1
          metadata:
            - name: host
              value: localhost
            - name: port
              value: "25"
            - name: emailFrom
              value: "orders@daprorders.test"
        """;

    private readonly ConcurrentQueue<string> _output = new();

    private TestRuntime(string folder, LocalDaprRuntime runtime)
    {
        Folder = folder;
        Runtime = runtime;
    }

    /// <summary>
    /// The TestApp's dll in its build output (built with this project through its project reference).
    /// </summary>
    public static string TestAppDll => Metadata("TestAppDll");

    public string Folder { get; }

    public string ResourcesFolder => Path.Combine(Folder, "resources");

    public string MailFolder => Runtime.MailFolder;

    /// <summary>
    /// The runtime lists itself here (its own, so tests do not see each other), as `localdapr run` does in
    /// ~/.localdapr: give it to the `localdapr` commands as `LOCALDAPR_HOME`.
    /// </summary>
    public LocalDaprHome Home => HomeIn(Folder);

    public LocalDaprRuntime Runtime { get; }

    /// <summary>
    /// Every line the apps wrote, prefixed with their instance.
    /// </summary>
    public IEnumerable<string> Output => _output;

    /// <summary>
    /// Starts a runtime with these resource files (name, YAML text); options may be adjusted.
    /// </summary>
    public static async Task<TestRuntime> StartAsync(
        IEnumerable<(string File, string Yaml)> resources, Func<LocalDaprOptions, LocalDaprOptions>? configure = null)
    {
        var folder = Directory.CreateTempSubdirectory("localdapr-test-").FullName;
        var resourcesFolder = Path.Combine(folder, "resources");
        Directory.CreateDirectory(resourcesFolder);
        foreach (var (file, yaml) in resources)
        {
            await File.WriteAllTextAsync(Path.Combine(resourcesFolder, file), yaml, TestContext.Current.CancellationToken);
        }

        TestRuntime? created = null;
        var options = new LocalDaprOptions
        {
            ResourcesPaths = [resourcesFolder],
            MailFolder = Path.Combine(folder, "mail"),
            AppOutput = line => created?._output.Enqueue(line),
            LoggerFactory = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            AppReadyTimeout = Timeout,
            Home = HomeIn(folder),
        };
        options = configure?.Invoke(options) ?? options;
        var runtime = await LocalDaprRuntime.StartAsync(options, TestContext.Current.CancellationToken);
        created = new TestRuntime(folder, runtime);
        return created;
    }

    public static Task<TestRuntime> StartAsync(params (string File, string Yaml)[] resources) => StartAsync(resources, null);

    /// <summary>
    /// The TestApp as app <paramref name="appId"/> on a free port, started as `dotnet DaprOrders.LocalDapr.TestApp.dll`.
    /// </summary>
    public static AppSpec TestAppSpec(string appId) =>
        new(appId, ["dotnet", TestAppDll], Path.GetDirectoryName(TestAppDll)!) { AppPort = FreePort() };

    public async Task<TestApp> StartTestAppAsync(string appId, Func<AppSpec, AppSpec>? configure = null)
    {
        var spec = TestAppSpec(appId);
        spec = configure?.Invoke(spec) ?? spec;
        var instance = await Runtime.StartAppAsync(spec, TestContext.Current.CancellationToken);
        return new TestApp(instance);
    }

    /// <summary>
    /// A sidecar with no app process.
    /// </summary>
    public Task<AppInstance> StartSidecarAsync(string appId, Func<AppSpec, AppSpec>? configure = null)
    {
        var spec = new AppSpec(appId, [], Folder);
        return Runtime.StartAppAsync(configure?.Invoke(spec) ?? spec, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// A DaprClient pointed at a sidecar, as an app configured by DAPR_GRPC_PORT/DAPR_HTTP_PORT would build it.
    /// </summary>
    public static DaprClient ClientFor(AppInstance instance, string? apiToken = null)
    {
        var builder = new DaprClientBuilder()
            .UseGrpcEndpoint($"http://127.0.0.1:{instance.GrpcPort}")
            .UseHttpEndpoint($"http://127.0.0.1:{instance.HttpPort}");
        if (apiToken is not null)
        {
            builder.UseDaprApiToken(apiToken);
        }

        return builder.Build();
    }

    /// <summary>
    /// An HTTP client for a sidecar's Dapr HTTP API.
    /// </summary>
    public static HttpClient SidecarHttp(AppInstance instance) =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{instance.HttpPort}/"), Timeout = Timeout };

    /// <summary>A port for an app to listen on, free right now (see <see cref="AppPorts"/>).</summary>
    public static int FreePort() => AppPorts.Free();

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static LocalDaprHome HomeIn(string folder) => new(Path.Combine(folder, "home"));

    private static string Metadata(string key) =>
        typeof(TestRuntime).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
            ?? throw new InvalidOperationException($"No {key} in the test assembly.");
}

/// <summary>
/// A running TestApp: its instance (ports) and an HTTP client to its test endpoints.
/// </summary>
public sealed class TestApp(AppInstance instance) : IDisposable
{
    public AppInstance Instance { get; } = instance;

    public HttpClient Http { get; } = new() { BaseAddress = new Uri($"http://127.0.0.1:{instance.AppPort}/"), Timeout = TestRuntime.Timeout + TimeSpan.FromSeconds(10) };

    /// <summary>
    /// Waits (long poll, no sleep) until the app recorded <paramref name="count"/> entries in <paramref name="stream"/>.
    /// </summary>
    public async Task<IReadOnlyList<JsonNode?>> WaitForRecordedAsync(string stream, int count = 1)
    {
        var timeout = (int)TestRuntime.Timeout.TotalSeconds;
        using var response = await Http.GetAsync(
            new Uri($"test/recorded/{Uri.EscapeDataString(stream)}?count={count}&timeout={timeout}", UriKind.Relative), TestContext.Current.CancellationToken);
        var entries = await response.Content.ReadFromJsonAsync<List<JsonNode?>>(TestContext.Current.CancellationToken) ?? [];
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"The app recorded {entries.Count} of {count} entries in '{stream}' within {timeout} s.");
        return entries;
    }

    public void Dispose() => Http.Dispose();
}
