using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using DaprOrders.Tests;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// `localdapr run -f` as a user runs it: the real executable, a run file, apps as child processes.
/// </summary>
public sealed partial class RunCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("localdapr-run-");

    [Fact]
    public async Task Two_apps_start_and_stop_cleanly_on_sigterm()
    {
        var ports = (TestRuntime.FreePort(), TestRuntime.FreePort());
        var runFile = WriteRunFile($"""
            version: 1
            common:
              resourcesPath: ./components
            apps:
              - appID: first
                appDirPath: {Path.GetDirectoryName(TestRuntime.TestAppDll)}
                appPort: {ports.Item1}
                command: ["dotnet", "{TestRuntime.TestAppDll}"]
              - appID: second
                appDirPath: {Path.GetDirectoryName(TestRuntime.TestAppDll)}
                appPort: {ports.Item2}
                command: ["dotnet", "{TestRuntime.TestAppDll}"]
            """);
        using var localdapr = StartRun(runFile);

        await localdapr.WaitForLineAsync(l => l.Contains("app instance(s) running", StringComparison.Ordinal));

        var pids = localdapr.Lines.Select(l => PidLine().Match(l)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, pids.Count);
        Assert.Contains(localdapr.Lines, l => l.StartsWith("localdapr: app first-0", StringComparison.Ordinal));
        Assert.Contains(localdapr.Lines, l => l.StartsWith("localdapr: app second-0", StringComparison.Ordinal));
        Assert.Contains(localdapr.Lines, l => l.StartsWith("localdapr: mail folder", StringComparison.Ordinal));
        using (var http = new HttpClient())
        {
            foreach (var port in new[] { ports.Item1, ports.Item2 })
            {
                using var answer = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/test/recorded/none?timeout=0"), TestContext.Current.CancellationToken);
                Assert.Equal(System.Net.HttpStatusCode.RequestTimeout, answer.StatusCode);
            }
        }

        var exitCode = await localdapr.TerminateAsync();

        Assert.Equal(0, exitCode);
        Assert.All(pids, pid => Assert.False(IsRunning(pid), $"app process {pid} outlived localdapr"));
        Assert.Contains(localdapr.Lines, l => l.StartsWith("== APP - first-0 == ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_token_given_the_sidecars_send_their_apps_a_generated_app_api_token()
    {
        var port = TestRuntime.FreePort();
        var runFile = WriteRunFile($"""
            version: 1
            common:
              resourcesPath: ./components
            apps:
              - appID: first
                appDirPath: {Path.GetDirectoryName(TestRuntime.TestAppDll)}
                appPort: {port}
                command: ["dotnet", "{TestRuntime.TestAppDll}"]
            """);
        // An empty APP_API_TOKEN counts as none: a token in the test's own environment must not stand in.
        using var localdapr = LocalDaprProcess.Start(
            Path.Combine(_folder.FullName, "home"), ["run", "-f", runFile, "--app-ready-timeout", "60"],
            new Dictionary<string, string> { ["APP_API_TOKEN"] = "" });
        await localdapr.WaitForLineAsync(l => l.Contains("app instance(s) running", StringComparison.Ordinal));

        using var http = new HttpClient();
        var requests = await http.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>(
            new Uri($"http://127.0.0.1:{port}/test/recorded/requests?count=1&timeout=30"), TestContext.Current.CancellationToken);

        // Start-up calls (/dapr/config, /dapr/subscribe) all carry the one generated token.
        Assert.NotEmpty(requests!);
        var tokens = requests!.Select(r => r!["daprApiToken"]?.GetValue<string>() ?? "").Distinct().ToList();
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(tokens));
        Assert.Equal(0, await localdapr.TerminateAsync());
    }

    [Fact]
    public async Task Entry_without_a_command_is_a_sidecar_alone_on_its_fixed_dapr_ports()
    {
        var (httpPort, grpcPort) = (TestRuntime.FreePort(), TestRuntime.FreePort());
        var runFile = WriteRunFile($"""
            version: 1
            common:
              resourcesPath: ./components
            apps:
              - appID: loader
                appDirPath: .
                daprHTTPPort: {httpPort}
                daprGRPCPort: {grpcPort}
            """);
        using var localdapr = StartRun(runFile);

        await localdapr.WaitForLineAsync(l => l.Contains("app instance(s) running", StringComparison.Ordinal));

        Assert.Contains($"localdapr: app loader-0 (sidecar only, no command) on port -; Dapr HTTP 127.0.0.1:{httpPort}, gRPC 127.0.0.1:{grpcPort}", localdapr.Lines);
        using (var http = new HttpClient())
        {
            using var health = await http.GetAsync(new Uri($"http://127.0.0.1:{httpPort}/v1.0/healthz"), TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.NoContent, health.StatusCode);
            using var metadata = await http.GetAsync(new Uri($"http://127.0.0.1:{httpPort}/v1.0/metadata"), TestContext.Current.CancellationToken);
            Assert.Contains("\"id\":\"loader\"", await metadata.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        Assert.Equal(0, await localdapr.TerminateAsync());
    }

    [Fact]
    public async Task App_that_fails_to_start_is_reported_with_its_output_and_nothing_is_left_running()
    {
        var runFile = WriteRunFile($"""
            version: 1
            common:
              resourcesPath: ./components
            apps:
              - appID: broken
                appDirPath: .
                appPort: {TestRuntime.FreePort()}
                command: ["sh", "-c", "echo missing-connection-string >&2; exit 4"]
            """);
        using var localdapr = StartRun(runFile);

        var exitCode = await localdapr.ExitAsync();

        Assert.Equal(1, exitCode);
        Assert.Contains(localdapr.Lines, l => l.Contains("broken-0 exited with code 4", StringComparison.Ordinal));
        Assert.Contains(localdapr.Lines, l => l.Contains("missing-connection-string", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_app_port_another_process_holds_stops_the_run_before_the_app_starts()
    {
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;
        var marker = Path.Combine(_folder.FullName, "started");
        var runFile = WriteRunFile($"""
            version: 1
            common:
              resourcesPath: ./components
            apps:
              - appID: late
                appDirPath: .
                appPort: {port}
                command: ["sh", "-c", "touch {marker}; sleep 60"]
            """);
        using var localdapr = StartRun(runFile);

        var exitCode = await localdapr.ExitAsync();

        Assert.Equal(1, exitCode);
        Assert.Contains(localdapr.Lines, l => l.Contains($"late-0 was not started: port {port} is already in use by another process", StringComparison.Ordinal));
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task A_dapr_port_another_process_holds_stops_the_run_with_a_clear_error()
    {
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;
        var runFile = WriteRunFile($"""
            version: 1
            common:
              resourcesPath: ./components
            apps:
              - appID: loader
                appDirPath: .
                daprHTTPPort: {port}
            """);
        using var localdapr = StartRun(runFile);

        var exitCode = await localdapr.ExitAsync();

        Assert.Equal(1, exitCode);
        Assert.Contains(localdapr.Lines, l => l.StartsWith("localdapr: ", StringComparison.Ordinal) && l.Contains($"{port}", StringComparison.Ordinal) && l.Contains("in use", StringComparison.Ordinal));
        Assert.DoesNotContain(localdapr.Lines, l => l.Contains("Unhandled exception", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_component_type_stops_the_run_naming_file_and_field()
    {
        Directory.CreateDirectory(Path.Combine(_folder.FullName, "components"));
        File.WriteAllText(Path.Combine(_folder.FullName, "components", "lock.yaml"),
            "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: lock\nspec:\n  type: lock.redis\n  version: v1\n");
        var runFile = WriteRunFile("version: 1\ncommon:\n  resourcesPath: ./components\napps:\n  - appID: a\n    appDirPath: .\n    command: [\"true\"]\n");
        using var localdapr = StartRun(runFile);

        var exitCode = await localdapr.ExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains(localdapr.Lines, l => l.Contains("lock.yaml:6: spec.type: unknown component type 'lock.redis'", StringComparison.Ordinal));
    }

    public void Dispose() => _folder.Delete(recursive: true);

    [GeneratedRegex(@"^localdapr: app \S+ \(pid (\d+)\)")]
    private static partial Regex PidLine();

    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// `localdapr run -f` with this test's own home folder (runs are listed there, not in ~/.localdapr).
    /// </summary>
    private LocalDaprProcess StartRun(string runFile) =>
        LocalDaprProcess.Start(Path.Combine(_folder.FullName, "home"), ["run", "-f", runFile, "--app-ready-timeout", "60"]);

    private string WriteRunFile(string yaml)
    {
        var components = Path.Combine(_folder.FullName, "components");
        if (!Directory.Exists(components))
        {
            Directory.CreateDirectory(components);
            File.WriteAllText(Path.Combine(components, "state.yaml"), TestRuntime.StateStoreYaml);
        }

        var path = Path.Combine(_folder.FullName, "dapr.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
