using System.Diagnostics;
using System.Net.Sockets;
using DaprOrders.LocalDapr.Sidecars;

namespace DaprOrders.LocalDapr.Runtime;

/// An app's child process: started with the standard Dapr variables, its output prefixed line by line, the last
/// lines kept for error reports, and its whole process tree stopped with it.
internal sealed class AppProcess
{
    private const int KeptLines = 200;

    private readonly Process process;
    private readonly Queue<string> recent = new();
    private readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource outputDrained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int openStreams = 2;

    private AppProcess(Process process) => this.process = process;

    public int Id => process.Id;

    /// Completes with the exit code once the process has exited and its output is read.
    public Task<int> Exited => exited.Task;

    public string RecentOutput
    {
        get
        {
            lock (recent)
            {
                return string.Join(Environment.NewLine, recent);
            }
        }
    }

    /// The variables daprd's CLI gives an app; inherited Dapr variables are removed so the app sees only these.
    public static Dictionary<string, string?> DaprEnvironment(AppInstance instance, IReadOnlyDictionary<string, string> extra)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["DAPR_HTTP_ENDPOINT"] = null,
            ["DAPR_GRPC_ENDPOINT"] = null,
            ["DAPR_API_TOKEN"] = instance.DaprApiToken,
            ["APP_API_TOKEN"] = instance.AppApiToken,
            ["APP_PORT"] = instance.AppPort?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extra)
        {
            env[key] = value;
        }

        env["APP_ID"] = instance.AppId;
        env["DAPR_HTTP_PORT"] = instance.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["DAPR_GRPC_PORT"] = instance.GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return env;
    }

    public static AppProcess Start(AppSpec spec, AppInstance instance, Action<string> output)
    {
        var start = new ProcessStartInfo(spec.Command[0])
        {
            WorkingDirectory = spec.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in spec.Command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in DaprEnvironment(instance, spec.Env))
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var app = new AppProcess(process);
        var prefix = $"== APP - {instance.InstanceName} == ";
        process.OutputDataReceived += (_, e) => app.OnLine(e.Data, prefix, output);
        process.ErrorDataReceived += (_, e) => app.OnLine(e.Data, prefix, output);
        process.Exited += (_, _) => app.OnExited();

        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new AppStartException(instance, $"cannot start '{string.Join(' ', spec.Command)}' in {spec.WorkingDirectory}: {e.Message}", "");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// Whether something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.
    public static async Task<bool> AcceptsConnectionsAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// Waits until the app accepts TCP connections on its port (as daprd waits for the app channel).
    /// Nothing signals "listening", so the port is tried every 100 ms until the deadline.
    public async Task WaitForPortAsync(AppInstance instance, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (instance.AppPort is not int port)
        {
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (Exited.IsCompleted)
            {
                var code = await Exited;
                throw new AppStartException(instance, $"exited with code {code} before listening on port {port}", RecentOutput);
            }

            try
            {
                if (await AcceptsConnectionsAsync(port, deadline.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new AppStartException(instance, $"did not listen on port {port} within {timeout.TotalSeconds:0} s", RecentOutput);
            }

            try
            {
                await Task.WhenAny(Exited, Task.Delay(100, deadline.Token));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    /// SIGTERM to the whole tree, then SIGKILL to whatever still runs after <paramref name="grace"/>.
    public async Task StopAsync(TimeSpan grace)
    {
        var tree = ProcessTree.Of(process.Id);
        ProcessTree.Terminate(tree);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await Exited.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await KillAsync(tree);
    }

    public Task KillAsync() => KillAsync(ProcessTree.Of(process.Id));

    private async Task KillAsync(IReadOnlyList<int> knownTree)
    {
        // Descendants reparented after their parent exited are only in the earlier snapshot.
        var alive = knownTree.Where(ProcessTree.IsAlive).ToList();
        if (!Exited.IsCompleted)
        {
            alive.AddRange(ProcessTree.Of(process.Id));
        }

        var killed = alive.Distinct().ToList();
        ProcessTree.Kill(killed);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Exited.WaitAsync(timeout.Token);

        // Grandchildren are not our children: nothing signals their end, so look until they are gone.
        while (killed.Exists(ProcessTree.IsAlive) && !timeout.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        process.Dispose();
    }

    private void OnLine(string? line, string prefix, Action<string> output)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref openStreams) == 0)
            {
                outputDrained.TrySetResult();
            }

            return;
        }

        lock (recent)
        {
            recent.Enqueue(line);
            if (recent.Count > KeptLines)
            {
                recent.Dequeue();
            }
        }

        output(prefix + line);
    }

    private async void OnExited()
    {
        // Exited fires before the last output lines are read; wait (briefly) so error reports contain them.
        await Task.WhenAny(outputDrained.Task, Task.Delay(TimeSpan.FromSeconds(2)));
        exited.TrySetResult(process.ExitCode);
    }
}

/// An app did not come up: it could not be started, exited, or did not open its port in time.
public sealed class AppStartException(AppInstance instance, string reason, string output)
    : Exception($"App {instance.InstanceName} {reason}." + (output.Length > 0 ? $" Its output:{Environment.NewLine}{output}" : " It wrote no output."))
{
    public AppInstance Instance { get; } = instance;

    public string Output { get; } = output;
}
