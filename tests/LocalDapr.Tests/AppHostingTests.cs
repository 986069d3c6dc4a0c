using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprOrders.LocalDapr.Runtime;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// Apps run as child processes on the runtime, exactly as `run -f` runs them: the TestApp uses the real SDK,
/// configured by the standard variables only.
/// </summary>
public sealed class AppHostingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task App_uses_its_sidecar_through_the_standard_variables()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        using var app = await runtime.StartTestAppAsync("hosting-app");

        using var save = await app.Http.PutAsJsonAsync("test/state/statestore/greeting", "hello", Ct);
        save.EnsureSuccessStatusCode();
        var saved = await app.Http.GetFromJsonAsync<JsonElement>("test/state/statestore/greeting", Ct);

        Assert.Equal("hello", saved.GetProperty("value").GetString());
        using var sidecar = TestRuntime.SidecarHttp(app.Instance);
        using var direct = await sidecar.GetAsync(new Uri("v1.0/state/statestore/greeting", UriKind.Relative), Ct);
        Assert.Equal("\"hello\"", await direct.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task App_try_save_with_a_stale_etag_returns_false()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        using var app = await runtime.StartTestAppAsync("etag-app");
        (await app.Http.PutAsJsonAsync("test/state/statestore/k", 1, Ct)).EnsureSuccessStatusCode();
        var etag = (await app.Http.GetFromJsonAsync<JsonElement>("test/state/statestore/k", Ct)).GetProperty("eTag").GetString();

        var first = await app.Http.PutAsJsonAsync($"test/state/statestore/k/if-match/{etag}", 2, Ct);
        var second = await app.Http.PutAsJsonAsync($"test/state/statestore/k/if-match/{etag}", 3, Ct);

        Assert.True((await first.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("saved").GetBoolean());
        Assert.False((await second.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("saved").GetBoolean());
    }

    [Fact]
    public async Task Sidecar_calls_to_the_app_carry_the_app_api_token()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        using var app = await runtime.StartTestAppAsync("token-app", spec => spec with { AppApiToken = "app-secret" });

        var requests = await app.WaitForRecordedAsync("requests");

        Assert.Contains(requests, r => r!["path"]!.GetValue<string>() == "/dapr/config" && r["daprApiToken"]?.GetValue<string>() == "app-secret");
    }

    [Fact]
    public async Task App_that_exits_during_start_is_reported_with_its_output()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        var spec = new AppSpec("crashing-app", ["sh", "-c", "echo cannot-open-database; exit 3"], runtime.Folder) { AppPort = TestRuntime.FreePort() };

        var failure = await Assert.ThrowsAsync<AppStartException>(() => runtime.Runtime.StartAppAsync(spec, Ct));

        Assert.Contains("exited with code 3", failure.Message, StringComparison.Ordinal);
        Assert.Contains("cannot-open-database", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_that_never_listens_is_reported_after_the_ready_timeout()
    {
        await using var runtime = await TestRuntime.StartAsync(
            [("state.yaml", TestRuntime.StateStoreYaml)], options => options with
            {
                // Long enough for a loaded machine to start the shell and read its first line.
                AppReadyTimeout = TimeSpan.FromSeconds(3),
            });
        var spec = new AppSpec("silent-app", ["sh", "-c", "echo waiting-forever; exec sleep 300"], runtime.Folder) { AppPort = TestRuntime.FreePort() };

        var failure = await Assert.ThrowsAsync<AppStartException>(() => runtime.Runtime.StartAppAsync(spec, Ct));

        Assert.Contains("did not listen on port", failure.Message, StringComparison.Ordinal);
        Assert.Contains("waiting-forever", failure.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Killed_app_restarts_behind_the_same_sidecar()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        using var app = await runtime.StartTestAppAsync("restart-app");
        var pid = runtime.Runtime.ProcessIdOf(app.Instance)!.Value;
        (await app.Http.PutAsJsonAsync("test/state/statestore/survives", "yes", Ct)).EnsureSuccessStatusCode();
        var exited = runtime.Runtime.ExitOf(app.Instance);

        await runtime.Runtime.StopAppAsync(app.Instance, AppStopMode.Kill, Ct);
        await exited.WaitAsync(TestRuntime.Timeout, Ct);
        using var sidecar = TestRuntime.SidecarHttp(app.Instance);
        Assert.Equal(HttpStatusCode.InternalServerError, (await sidecar.GetAsync(new Uri("v1.0/healthz", UriKind.Relative), Ct)).StatusCode);

        var restarted = await runtime.Runtime.RestartAppAsync(app.Instance, Ct);

        Assert.Equal(app.Instance, restarted);
        Assert.NotEqual(pid, runtime.Runtime.ProcessIdOf(restarted));
        var saved = await app.Http.GetFromJsonAsync<JsonElement>("test/state/statestore/survives", Ct);
        Assert.Equal("yes", saved.GetProperty("value").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await sidecar.GetAsync(new Uri("v1.0/healthz", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task App_killed_from_outside_is_noticed_and_restarts()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        using var app = await runtime.StartTestAppAsync("crash-app");
        (await app.Http.PutAsJsonAsync("test/state/statestore/k", "kept", Ct)).EnsureSuccessStatusCode();
        var exited = runtime.Runtime.ExitOf(app.Instance);

        using (var kill = System.Diagnostics.Process.Start("kill", ["-KILL", runtime.Runtime.ProcessIdOf(app.Instance)!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(Ct);
        }

        Assert.Equal(137, await exited.WaitAsync(TestRuntime.Timeout, Ct));
        await runtime.Runtime.RestartAppAsync(app.Instance, Ct);

        Assert.Equal("kept", (await app.Http.GetFromJsonAsync<JsonElement>("test/state/statestore/k", Ct)).GetProperty("value").GetString());
    }

    [Fact]
    public async Task App_that_crashes_is_restarted_with_growing_backoff_unless_stopped_through_the_runtime()
    {
        var policy = new RestartPolicy { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) };
        await using var runtime = await TestRuntime.StartAsync(
            [("state.yaml", TestRuntime.StateStoreYaml)], options => options with
            {
                RestartPolicy = policy,
            });
        using var app = await runtime.StartTestAppAsync("self-healing");
        (await app.Http.PutAsJsonAsync("test/state/statestore/k", "kept", Ct)).EnsureSuccessStatusCode();
        var restarts = System.Threading.Channels.Channel.CreateUnbounded<DaprOrders.LocalDapr.Sidecars.AppInstance>();
        runtime.Runtime.AppRestarted += instance => restarts.Writer.TryWrite(instance);

        var pids = new List<int> { runtime.Runtime.ProcessIdOf(app.Instance)!.Value };
        for (var crash = 0; crash < 2; crash++)
        {
            using (var kill = System.Diagnostics.Process.Start("kill", ["-KILL", pids[^1].ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(Ct);
            }

            Assert.Equal(app.Instance, await restarts.Reader.ReadAsync(Ct).AsTask().WaitAsync(TestRuntime.Timeout, Ct));
            pids.Add(runtime.Runtime.ProcessIdOf(app.Instance)!.Value);
        }

        Assert.Equal(3, pids.Distinct().Count());
        Assert.Equal("kept", (await app.Http.GetFromJsonAsync<JsonElement>("test/state/statestore/k", Ct)).GetProperty("value").GetString());
        Assert.Equal(
            (TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(1)),
            (policy.DelayBefore(1), policy.DelayBefore(2), policy.DelayBefore(4), policy.DelayBefore(5)));

        // Stopped through the runtime, it stays stopped.
        var exited = runtime.Runtime.ExitOf(app.Instance);
        await runtime.Runtime.StopAppAsync(app.Instance, AppStopMode.Kill, Ct);
        await exited.WaitAsync(TestRuntime.Timeout, Ct);
        Assert.Null(runtime.Runtime.ProcessIdOf(app.Instance));
        Assert.False(restarts.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Instances_of_one_app_id_get_their_own_sidecars()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        var first = await runtime.StartSidecarAsync("scaled");
        var second = await runtime.StartSidecarAsync("scaled");

        Assert.Equal(("scaled-0", "scaled-1"), (first.InstanceName, second.InstanceName));
        Assert.Equal(4, new[] { first.HttpPort, first.GrpcPort, second.HttpPort, second.GrpcPort }.Distinct().Count());
    }

    [Fact]
    public async Task Stopping_an_app_kills_its_whole_process_tree_even_when_it_ignores_sigterm()
    {
        await using var runtime = await TestRuntime.StartAsync(
            [("state.yaml", TestRuntime.StateStoreYaml)], options => options with
            {
                AppStopTimeout = TimeSpan.FromSeconds(2),
            });
        var childPidFile = Path.Combine(runtime.Folder, "child.pid");
        var spec = TestRuntime.TestAppSpec("tree-app") with
        {
            // A wrapper that ignores SIGTERM and leaves a grandchild, as `dotnet run` and shell scripts do.
            Command = ["sh", "-c", $"trap '' TERM; sleep 300 & echo $! > '{childPidFile}'; dotnet '{TestRuntime.TestAppDll}'"],
        };
        var instance = await runtime.Runtime.StartAppAsync(spec, Ct);
        var childPid = int.Parse(await File.ReadAllTextAsync(childPidFile, Ct), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(IsRunning(childPid));

        await runtime.Runtime.StopAppAsync(instance, AppStopMode.Graceful, Ct);

        Assert.False(IsRunning(childPid), "the grandchild outlived its app");
    }

    [Fact]
    public async Task Disposing_the_runtime_stops_the_app_process()
    {
        var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        using var app = await runtime.StartTestAppAsync("stopped-app");
        var exited = runtime.Runtime.ExitOf(app.Instance);

        await runtime.DisposeAsync();

        await exited.WaitAsync(TestRuntime.Timeout, Ct);
        await Assert.ThrowsAsync<HttpRequestException>(() => app.Http.GetAsync(new Uri("test/recorded/requests?timeout=0", UriKind.Relative), Ct));
    }

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
}
