using System.Diagnostics;
using System.Net.Sockets;
using DaprOrders.LocalDapr.Sidecars;

namespace DaprOrders.LocalDapr.Runtime;

/// <summary>
/// An app's child process: started with the standard Dapr variables, its output prefixed line by line, the last
/// lines kept for error reports, and its whole process tree stopped with it.
/// </summary>
internal sealed class AppProcess
{
    private const int KeptLines = 200;

    private readonly Process _process;
    private readonly Queue<string> _recent = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _outputDrained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private long _exitedAt;
    private int _openStreams = 2;

    // Every process the app starts inherits this variable, so what it leaves behind can be found once it died.
    private const string MarkerVariable = "LOCALDAPR_APP_PROCESS";

    private readonly string _marker;

    private AppProcess(Process process, string marker)
    {
        _process = process;
        _marker = marker;
    }

    /// <summary>
    /// How long the process ran (so far, while it runs).
    /// </summary>
    public TimeSpan Uptime => Stopwatch.GetElapsedTime(_startedAt, Interlocked.Read(ref _exitedAt) is var end and not 0 ? end : Stopwatch.GetTimestamp());

    public int Id => _process.Id;

    /// <summary>
    /// Completes with the exit code once the process has exited and its output is read.
    /// </summary>
    public Task<int> Exited => _exited.Task;

    public string RecentOutput
    {
        get
        {
            lock (_recent)
            {
                return string.Join(Environment.NewLine, _recent);
            }
        }
    }

    /// <summary>
    /// The variables daprd's CLI gives an app; inherited Dapr variables are removed so the app sees only these.
    /// </summary>
    public static Dictionary<string, string?> DaprEnvironment(AppInstance instance, IReadOnlyDictionary<string, string> extra)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["DAPR_HTTP_ENDPOINT"] = null,
            ["DAPR_GRPC_ENDPOINT"] = null,
            ["DAPR_API_TOKEN"] = instance.DaprApiToken,
            ["APP_API_TOKEN"] = instance.AppApiToken,
            ["APP_PORT"] = instance.AppPort?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["APP_PROTOCOL"] = instance.AppProtocol,
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

        var marker = $"{MarkerVariable}={Guid.NewGuid():N}";
        start.Environment[MarkerVariable] = marker[(MarkerVariable.Length + 1)..];
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var app = new AppProcess(process, marker);
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

    /// <summary>
    /// Whether something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.
    /// </summary>
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

    /// <summary>
    /// Waits until the app accepts TCP connections on its port (as daprd waits for the app channel).
    /// Nothing signals "listening", so the port is tried every 100 ms until the deadline.
    /// </summary>
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

    /// <summary>
    /// SIGTERM to the whole tree, then SIGKILL to whatever still runs after <paramref name="grace"/>.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        var tree = ProcessTree.Of(_process.Id);
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

    public Task KillAsync() => KillAsync(ProcessTree.Of(_process.Id));

    private async Task KillAsync(IReadOnlyList<int> knownTree)
    {
        // Descendants reparented after their parent exited are only in the earlier snapshot, or found by the
        // variable they inherited (the parent crashed: a pod's container goes with everything in it).
        var alive = knownTree.Where(ProcessTree.IsAlive).Concat(ProcessTree.Carrying(_marker)).ToList();
        if (!Exited.IsCompleted)
        {
            alive.AddRange(ProcessTree.Of(_process.Id));
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

        _process.Dispose();
    }

    private void OnLine(string? line, string prefix, Action<string> output)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref _openStreams) == 0)
            {
                _outputDrained.TrySetResult();
            }

            return;
        }

        lock (_recent)
        {
            _recent.Enqueue(line);
            if (_recent.Count > KeptLines)
            {
                _recent.Dequeue();
            }
        }

        output(prefix + line);
    }

    private async void OnExited()
    {
        Interlocked.CompareExchange(ref _exitedAt, Stopwatch.GetTimestamp(), 0);

        // Exited fires before the last output lines are read; wait (briefly) so error reports contain them.
        await Task.WhenAny(_outputDrained.Task, Task.Delay(TimeSpan.FromSeconds(2)));
        _exited.TrySetResult(_process.ExitCode);
    }
}

/// <summary>
/// An app did not come up: it could not be started, exited, or did not open its port in time.
/// </summary>
public sealed class AppStartException(AppInstance instance, string reason, string output)
    : Exception($"App {instance.InstanceName} {reason}." + (output.Length > 0 ? $" Its output:{Environment.NewLine}{output}" : " It wrote no output."))
{
    public AppInstance Instance { get; } = instance;

    public string Output { get; } = output;
}
