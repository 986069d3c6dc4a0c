using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace DaprOrders.Tests;

/// <summary>
/// `dotnet localdapr.dll ...` as a user runs it, with its output collected line by line (compiled into
/// LocalDapr.Tests and EndToEnd.Tests; each has a `LocalDaprDll` AssemblyMetadata: the tool's build output). Its
/// `LOCALDAPR_HOME` is the test's own folder, so the test sees only the runs it started, and never writes to the
/// user's ~/.localdapr.
/// </summary>
public sealed class LocalDaprProcess : IDisposable
{
    /// <summary>
    /// Generous upper bound for anything waited for; normally not reached.
    /// </summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<string> _output = [];
    private readonly List<string> _errors = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _waiters = [];

    private LocalDaprProcess(Process process) => _process = process;

    /// <summary>
    /// `localdapr.dll` in the tool's build output.
    /// </summary>
    public static string LocalDaprDll =>
        typeof(LocalDaprProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "LocalDaprDll")?.Value
            ?? throw new InvalidOperationException("No LocalDaprDll in the test assembly.");

    /// <summary>
    /// The process id, e.g. to compare with what `localdapr list` shows.
    /// </summary>
    public int Id => _process.Id;

    /// <summary>
    /// Every line written to stdout or stderr, in arrival order.
    /// </summary>
    public IReadOnlyList<string> Lines => Snapshot(_lines);

    /// <summary>
    /// The lines written to stdout.
    /// </summary>
    public IReadOnlyList<string> Output => Snapshot(_output);

    /// <summary>
    /// The lines written to stderr.
    /// </summary>
    public IReadOnlyList<string> Errors => Snapshot(_errors);

    /// <summary>
    /// Starts `localdapr <paramref name="arguments"/>` with `LOCALDAPR_HOME` = <paramref name="home"/> and the
    /// extra environment given.
    /// </summary>
    public static LocalDaprProcess Start(string home, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(LocalDaprDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["LOCALDAPR_HOME"] = home;
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var started = new LocalDaprProcess(new Process { StartInfo = start });
        started._process.OutputDataReceived += (_, e) => started.OnLine(e.Data, started._output);
        started._process.ErrorDataReceived += (_, e) => started.OnLine(e.Data, started._errors);
        started._process.Start();
        started._process.BeginOutputReadLine();
        started._process.BeginErrorReadLine();
        return started;
    }

    /// <summary>
    /// Runs a short command (`list`, `invoke`, `publish`) to its end.
    /// </summary>
    public static async Task<CliResult> RunAsync(string home, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? env = null)
    {
        using var process = Start(home, arguments, env);
        var exitCode = await process.ExitAsync();
        return new CliResult(exitCode, process.Output, process.Errors);
    }

    /// <summary>
    /// Waits until a line matches; fails if the process exits first.
    /// </summary>
    public async Task WaitForLineAsync(Func<string, bool> match)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            if (_lines.Exists(l => match(l)))
            {
                return;
            }

            _waiters.Add((match, seen));
        }

        var exited = _process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var first = await Task.WhenAny(seen.Task, exited).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.True(first == seen.Task, "localdapr exited early:" + Environment.NewLine + string.Join(Environment.NewLine, Lines));
    }

    /// <summary>
    /// SIGTERM, as a service manager or Ctrl-C would stop it; returns the exit code.
    /// </summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        return await ExitAsync();
    }

    /// <summary>
    /// SIGKILL to the whole process tree: a crash, which leaves no chance to clean up.
    /// </summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await ExitAsync();
    }

    /// <summary>
    /// Waits for the exit (output read to its end); returns the exit code.
    /// </summary>
    public async Task<int> ExitAsync()
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>
    /// Kills the process tree if it still runs.
    /// </summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private IReadOnlyList<string> Snapshot(List<string> lines)
    {
        lock (_lines)
        {
            return [.. lines];
        }
    }

    private void OnLine(string? line, List<string> stream)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
            stream.Add(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                waiter.Seen.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }
}

/// <summary>
/// How a short `localdapr` command ended: its exit code and what it wrote to stdout and stderr.
/// </summary>
public sealed record CliResult(int ExitCode, IReadOnlyList<string> Output, IReadOnlyList<string> Errors)
{
    /// <summary>
    /// Both streams, for assertion messages.
    /// </summary>
    public override string ToString() =>
        $"exit {ExitCode}{Environment.NewLine}stdout:{Environment.NewLine}{string.Join(Environment.NewLine, Output)}{Environment.NewLine}stderr:{Environment.NewLine}{string.Join(Environment.NewLine, Errors)}";
}
