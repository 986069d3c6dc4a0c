using System.CommandLine;
using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Runs;
using DaprOrders.LocalDapr.Runtime;
using DaprOrders.LocalDapr.Telemetry;

namespace DaprOrders.LocalDapr.Cli;

/// <summary>
/// `localdapr run -f dapr.yaml`: loads the run file and the components, starts a sidecar and the app for each
/// entry, prints where everything listens, and stops everything (process trees included) on Ctrl-C or SIGTERM.
/// </summary>
public static class RunCommand
{
    public static Command Create()
    {
        var runFile = new Option<FileInfo>("--run-file", "-f") { Description = "Multi-app run file (dapr.yaml), as for `dapr run -f`.", Required = true };
        var mailFolder = new Option<DirectoryInfo?>("--mail-folder") { Description = "Where bindings.smtp writes .eml files (default: <run file dir>/.localdapr/mail)." };
        var smtp = new Option<bool>("--smtp") { Description = "Deliver mail to each smtp component's host/port instead of writing .eml files." };
        var daprApiToken = new Option<string?>("--dapr-api-token") { Description = "API token every sidecar requires (default: this process's DAPR_API_TOKEN; an app's env DAPR_API_TOKEN wins)." };
        var appApiToken = new Option<string?>("--app-api-token") { Description = "Token sidecars send their apps (default: this process's APP_API_TOKEN, else one generated for the run; an app's env APP_API_TOKEN wins)." };
        var readyTimeout = new Option<int>("--app-ready-timeout") { Description = "Seconds an app may take to open its port.", DefaultValueFactory = _ => 120 };
        var noRestart = new Option<bool>("--no-restart") { Description = "Leave an app that exits by itself stopped (by default it is restarted with backoff, as Kubernetes restarts a pod)." };
        var dashboard = new Option<bool>("--dashboard")
        {
            Description = $"Start the Aspire dashboard (page on 127.0.0.1:{AspireDashboard.DefaultPort}, OTLP/gRPC on :{AspireDashboard.DefaultOtlpPort}) and send it the traces, metrics and logs of every app and of the runtime.",
        };

        var command = new Command("run", "Run the apps of a multi-app run file on local Dapr sidecars.")
        {
            runFile, mailFolder, smtp, daprApiToken, appApiToken, readyTimeout, noRestart, dashboard,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(runFile)!;
            RunFile run;
            LocalDaprRuntime runtime;
            AspireDashboard? viewer = null;
            try
            {
                run = RunFile.Load(file.FullName);
                if (parse.GetValue(dashboard))
                {
                    viewer = await AspireDashboard.StartAsync(AspireDashboard.DefaultPort, AspireDashboard.DefaultOtlpPort, TimeSpan.FromSeconds(60), cancellationToken);
                    Console.WriteLine($"localdapr: dashboard {viewer.Url} (OTLP/gRPC {viewer.OtlpEndpoint}): traces, metrics and logs of every app and of localdapr");
                }

                var options = new LocalDaprOptions
                {
                    ResourcesPaths = run.ResourcesPaths,
                    MailFolder = parse.GetValue(mailFolder)?.FullName ?? Path.Combine(file.DirectoryName!, ".localdapr", "mail"),
                    DeliverMailOverSmtp = parse.GetValue(smtp),
                    DaprApiToken = parse.GetValue(daprApiToken) ?? NonEmpty(Environment.GetEnvironmentVariable("DAPR_API_TOKEN")),
                    // Local runs authenticate the sidecars' calls to their apps by default, as the chart does on a cluster: an
                    // app that requires APP_API_TOKEN refuses anyone else on its Dapr routes.
                    AppApiToken = parse.GetValue(appApiToken) ?? NonEmpty(Environment.GetEnvironmentVariable("APP_API_TOKEN")) ?? GeneratedToken(),
                    AppReadyTimeout = TimeSpan.FromSeconds(parse.GetValue(readyTimeout)),
                    RestartPolicy = parse.GetValue(noRestart) ? null : RestartPolicy.Default,
                    Home = LocalDaprHome.FromEnvironment(),
                    RunFile = file.FullName,
                    OtlpEndpoint = viewer?.OtlpEndpoint,
                };
                runtime = await LocalDaprRuntime.StartAsync(options, cancellationToken);
            }
            catch (ResourceException e)
            {
                await Console.Error.WriteLineAsync($"localdapr: {e.Message}");
                await DisposeAsync(viewer);
                return 2;
            }
            catch (InvalidOperationException e) when (viewer is null && parse.GetValue(dashboard))
            {
                await Console.Error.WriteLineAsync($"localdapr: {e.Message}");
                return 1;
            }

            try
            {
                await using (runtime)
                {
                    return await RunAsync(runtime, run, cancellationToken);
                }
            }
            finally
            {
                // After the runtime: the apps flush their last telemetry to it as they stop.
                await DisposeAsync(viewer);
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(LocalDaprRuntime runtime, RunFile run, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var spec in run.Apps)
            {
                var instance = await runtime.StartAppAsync(spec, cancellationToken);
                // An entry without a command is a sidecar alone, as `dapr run -f` runs daprd alone for it
                // ("No application command found"): e.g. the loaders CLI's `loader` sidecar.
                var app = spec.Command.Count == 0 ? "sidecar only, no command"
                    : $"pid {runtime.ProcessIdOf(instance)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}";
                Console.WriteLine(
                    $"localdapr: app {instance.InstanceName} ({app}) " +
                    $"on port {instance.AppPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}; " +
                    $"Dapr HTTP 127.0.0.1:{instance.HttpPort}, gRPC 127.0.0.1:{instance.GrpcPort}");
            }
        }
        catch (AppStartException e)
        {
            await Console.Error.WriteLineAsync($"localdapr: {e.Message}");
            return 1;
        }
        catch (IOException e)
        {
            // A fixed Dapr port (daprHTTPPort, daprGRPCPort) that another process holds.
            await Console.Error.WriteLineAsync($"localdapr: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.WriteLine("localdapr: stopping");
            return 130;
        }

        foreach (var line in runtime.DescribeEndpoints())
        {
            Console.WriteLine($"localdapr: {line}");
        }

        Console.WriteLine($"localdapr: mail folder {runtime.MailFolder}");
        Console.WriteLine($"localdapr: {run.Apps.Count} app instance(s) running; Ctrl-C stops everything");

        // Runs until Ctrl-C/SIGTERM. An app exiting by itself is restarted (the runtime logs exit and restart), or with
        // --no-restart reported here and left stopped while the others run, as dapr run does.
        _ = runtime.Instances
            .Where(i => !runtime.RestartsCrashedApps && runtime.ProcessIdOf(i) is not null)
            .Select(async i =>
            {
                var code = await runtime.ExitOf(i);
                if (!cancellationToken.IsCancellationRequested)
                {
                    await Console.Error.WriteLineAsync($"localdapr: app {i.InstanceName} exited with code {code}");
                }
            })
            .ToList();
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        Console.WriteLine("localdapr: stopping");
        return 0;
    }

    private static async Task DisposeAsync(AspireDashboard? viewer)
    {
        if (viewer is not null)
        {
            await viewer.DisposeAsync();
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>A fresh random app API token (128 bits, hex): every run has its own, and no token lives in a file.</summary>
    private static string GeneratedToken() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}
