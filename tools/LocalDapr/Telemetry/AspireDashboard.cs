using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace DaprOrders.LocalDapr.Telemetry;

/// <summary>
/// The standalone Aspire dashboard (NuGet Aspire.Dashboard.Sdk.linux-x64, downloaded at restore): an OpenTelemetry
/// viewer of traces, metrics and logs that takes OTLP/gRPC. Runs offline as a child process on loopback, without
/// a login (`ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS`): a local tool, reachable from this machine only.
/// </summary>
public sealed partial class AspireDashboard : IAsyncDisposable
{
    /// <summary>The ports Aspire uses by default: the page, and OTLP/gRPC.</summary>
    public const int DefaultPort = 18888;

    public const int DefaultOtlpPort = 4317;

    private const int KeptLines = 100;

    private readonly Process _process;
    private readonly Queue<string> _recent = new();

    private AspireDashboard(Process process) => _process = process;

    /// <summary>The dashboard's page.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Where apps send OTLP/gRPC.</summary>
    public Uri OtlpEndpoint { get; private set; } = null!;

    /// <summary>
    /// The dashboard's folder in the NuGet cache, as this build found it; null when it is not there (restore
    /// downloads it).
    /// </summary>
    public static string? InstalledFolder =>
        typeof(AspireDashboard).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "AspireDashboard")?.Value
            is { } folder && File.Exists(Path.Combine(folder, ExecutableName)) ? folder : null;

    private const string ExecutableName = "Aspire.Dashboard";

    /// <summary>
    /// Starts the dashboard with its page on <paramref name="port"/> and OTLP/gRPC on <paramref name="otlpPort"/>
    /// (0 = free ports) and returns once both listen. Throws <see cref="InvalidOperationException"/> with the
    /// dashboard's output when it is not installed or does not start.
    /// </summary>
    public static async Task<AspireDashboard> StartAsync(int port, int otlpPort, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var folder = InstalledFolder ?? throw new InvalidOperationException(
            "The Aspire dashboard is not in the NuGet cache: `dotnet restore tools/LocalDapr` downloads it (Aspire.Dashboard.Sdk.linux-x64).");
        var start = new ProcessStartInfo(Path.Combine(folder, ExecutableName))
        {
            WorkingDirectory = folder,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{otlpPort}";
        start.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
        // Not a child of ours to trace or to point at a collector: it is the collector.
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var dashboard = new AspireDashboard(process);
        var page = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var otlp = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            dashboard.Keep(line);
            // It logs where it listens once it does: "Now listening on: http://..." and "OTLP/gRPC listening on: http://...".
            if (PageLine().Match(line) is { Success: true } p)
            {
                page.TrySetResult(new Uri(p.Groups["url"].Value));
            }
            else if (OtlpLine().Match(line) is { Success: true } o)
            {
                otlp.TrySetResult(new Uri(o.Groups["url"].Value));
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var listening = Task.WhenAll(page.Task, otlp.Task);
            if (await Task.WhenAny(listening, exited.Task).WaitAsync(deadline.Token) != listening)
            {
                throw new InvalidOperationException($"The Aspire dashboard exited with code {process.ExitCode} before listening:{Environment.NewLine}{dashboard.RecentOutput}");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await dashboard.DisposeAsync();
            throw new InvalidOperationException($"The Aspire dashboard did not listen within {timeout.TotalSeconds:0} s:{Environment.NewLine}{dashboard.RecentOutput}");
        }
        catch
        {
            await dashboard.DisposeAsync();
            throw;
        }

        dashboard.Url = await page.Task;
        dashboard.OtlpEndpoint = await otlp.Task;
        return dashboard;
    }

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

    private void Keep(string line)
    {
        lock (_recent)
        {
            _recent.Enqueue(line);
            while (_recent.Count > KeptLines)
            {
                _recent.Dequeue();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // never started, or already gone
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://\S+)")]
    private static partial Regex PageLine();

    [GeneratedRegex(@"OTLP/gRPC listening on: (?<url>http://\S+)")]
    private static partial Regex OtlpLine();
}
