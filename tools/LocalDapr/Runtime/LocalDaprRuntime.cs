using System.Diagnostics;
using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Runs;
using DaprOrders.LocalDapr.Sidecars;
using DaprOrders.LocalDapr.State;
using DaprOrders.LocalDapr.Telemetry;

namespace DaprOrders.LocalDapr.Runtime;

/// <summary>
/// The local Dapr runtime: runtime-wide features and resources, and per app instance a sidecar (and, when the
/// app has a command, its child process). `localdapr run -f` and the tests drive it through this API:
/// <code>
/// await using var runtime = await LocalDaprRuntime.StartAsync(new LocalDaprOptions { ResourcesPaths = [dir] }, ct);
/// var orders = await runtime.StartAppAsync(new AppSpec("orders", ["dotnet", "Orders.dll"], dir) { AppPort = port }, ct);
/// await runtime.StopAppAsync(orders, AppStopMode.Kill, ct);   // a crash
/// await runtime.RestartAppAsync(orders, ct);                  // same sidecar ports
/// </code>
/// </summary>
public sealed class LocalDaprRuntime : IAsyncDisposable
{
    private readonly RuntimeContext _context;
    // daprd's app channel follows no redirect (an invoked app's 3xx goes back to the caller) and keeps no cookies.
    private readonly HttpClient _appHttp = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly Lock _gate = new();
    private readonly List<Slot> _slots = [];
    private readonly ILogger _logger;
    private readonly RunStateFile? _stateFile;
    private readonly Lock _stateFileGate = new();
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly DateTime _processStarted = ProcessStartTime();
    private IDisposable? _telemetry;

    private LocalDaprRuntime(RuntimeContext context, IReadOnlyList<ISidecarFeature> features)
    {
        _context = context;
        Features = features;
        _logger = context.Loggers.CreateLogger("LocalDapr");
        _stateFile = context.Options.Home is { } home ? RunStateFile.Create(home) : null;
    }

    public RuntimeResources Resources => _context.Resources;

    public IReadOnlyList<ISidecarFeature> Features { get; }

    public string MailFolder => _context.Options.MailFolder;

    /// <summary>
    /// Apps that exit by themselves are started again (<see cref="LocalDaprOptions.RestartPolicy"/>).
    /// </summary>
    public bool RestartsCrashedApps => _context.Options.RestartPolicy is not null;

    /// <summary>
    /// Raised when an app that crashed is serving again after an automatic restart.
    /// </summary>
    public event Action<AppInstance>? AppRestarted;

    public IReadOnlyList<AppInstance> Instances
    {
        get
        {
            lock (_gate)
            {
                return _slots.Select(s => s.Sidecar.Instance).ToList();
            }
        }
    }

    /// <summary>
    /// Loads the resources (invalid ones throw <see cref="ResourceException"/> naming file and field) and
    /// creates the features; no app runs yet.
    /// </summary>
    public static Task<LocalDaprRuntime> StartAsync(LocalDaprOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // The sidecars' request logs (two lines per API call) only when asked for; the runtime's own at Information.
        // gRPC's server logs each call it answers with an error status at Information: under load, thousands a
        // minute of ETag mismatches that the orders view retries. The status goes back to the caller, whose log it is.
        var loggers = options.LoggerFactory ?? LoggerFactory.Create(logging => logging
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter("Grpc.AspNetCore.Server.ServerCallHandler", LogLevel.Warning)
            .AddSimpleConsole(c => c.SingleLine = true));
        var resources = options.Resources ?? ResourceLoader.Load(options.ResourcesPaths);
        var context = new RuntimeContext(options, resources, loggers, new StateStores(resources, options.Time));
        var runtime = new LocalDaprRuntime(context, SidecarFeatures.Create(context))
        {
            _telemetry = options.OtlpEndpoint is { } endpoint ? RuntimeTelemetry.StartExporting(endpoint) : null,
        };
        runtime.UpdateStateFile();
        return Task.FromResult(runtime);
    }

    /// <summary>
    /// Starts a sidecar, then the app (if it has a command) with the standard Dapr variables, waits until its port
    /// answers (or throws <see cref="AppStartException"/> with its output) and tells the features it is ready.
    /// </summary>
    public async Task<AppInstance> StartAppAsync(AppSpec spec, CancellationToken cancellationToken)
    {
        int index;
        lock (_gate)
        {
            index = _slots.Count(s => s.Sidecar.AppId == spec.AppId);
        }

        var sidecarSpec = new SidecarSpec(
            spec.AppId, spec.AppPort, spec.HttpPort, spec.GrpcPort,
            spec.DaprApiToken ?? _context.Options.DaprApiToken, spec.AppApiToken ?? _context.Options.AppApiToken, spec.AppProtocol);
        var host = await SidecarHost.StartAsync(sidecarSpec, index, _context.Resources, _context.Loggers, Features, _appHttp, cancellationToken);
        var slot = new Slot(spec with { Env = TelemetryEnvironment.For(spec, _context.Options.OtlpEndpoint) }, host, DateTimeOffset.UtcNow);
        lock (_gate)
        {
            _slots.Add(slot);
        }

        UpdateStateFile();

        _logger.LogInformation(
            "Sidecar {Instance}: HTTP on 127.0.0.1:{HttpPort}, gRPC on 127.0.0.1:{GrpcPort}, app port {AppPort}",
            slot.Sidecar.Instance.InstanceName, slot.Sidecar.Instance.HttpPort, slot.Sidecar.Instance.GrpcPort, spec.AppPort);
        await RunAppAsync(slot, cancellationToken);
        return slot.Sidecar.Instance;
    }

    /// <summary>
    /// Stops the app: gracefully (features let go first, then SIGTERM) or killed (a crash: SIGKILL, then the
    /// features notice). The sidecar keeps listening so the app can be restarted on the same ports.
    /// </summary>
    public Task StopAppAsync(AppInstance instance, AppStopMode mode, CancellationToken cancellationToken) =>
        StopAsync(SlotOf(instance), mode, cancellationToken);

    private async Task StopAsync(Slot slot, AppStopMode mode, CancellationToken cancellationToken)
    {
        slot.CancelRestart();
        var process = slot.TakeProcess();
        var wasReady = slot.Host.Status.AppReady;
        slot.Host.Status.AppReady = false;
        UpdateStateFile();

        if (mode == AppStopMode.Graceful && wasReady)
        {
            await NotifyStoppedAsync(slot, cancellationToken);
        }

        if (process is not null)
        {
            if (mode == AppStopMode.Kill)
            {
                await process.KillAsync();
            }
            else
            {
                await process.StopAsync(_context.Options.AppStopTimeout);
            }
        }

        if (mode == AppStopMode.Kill && wasReady)
        {
            await NotifyStoppedAsync(slot, cancellationToken);
        }
    }

    /// <summary>
    /// Starts a stopped app again with the same spec and sidecar.
    /// </summary>
    public async Task<AppInstance> RestartAppAsync(AppInstance instance, CancellationToken cancellationToken)
    {
        var slot = SlotOf(instance);
        if (slot.Process is null or { Exited.IsCompleted: true })
        {
            // It exited by itself: let the features finish letting go first. The watcher may have taken the process
            // already (Process is null then) and still be telling them; after a stop through the runtime it is done.
            await slot.CrashWatch;
        }

        if (slot.Process is not null)
        {
            throw new InvalidOperationException($"App {instance.InstanceName} is running.");
        }

        await RunAppAsync(slot, cancellationToken);
        return slot.Sidecar.Instance;
    }

    /// <summary>
    /// The sidecar of an instance, as features see it.
    /// </summary>
    public Sidecar SidecarOf(AppInstance instance) => SlotOf(instance).Sidecar;

    /// <summary>
    /// The process id of a running app (null without a command or when stopped).
    /// </summary>
    public int? ProcessIdOf(AppInstance instance) => SlotOf(instance).Process?.Id;

    /// <summary>
    /// Completes when the app's process exits (by itself or stopped) with its exit code.
    /// </summary>
    public Task<int> ExitOf(AppInstance instance) =>
        SlotOf(instance).LastProcess?.Exited ?? throw new InvalidOperationException($"App {instance.InstanceName} has no process.");

    /// <summary>
    /// The last lines the app wrote.
    /// </summary>
    public string RecentOutputOf(AppInstance instance) => SlotOf(instance).LastProcess?.RecentOutput ?? "";

    /// <summary>
    /// Lines about where the features listen (e.g. Kafka bootstrap servers).
    /// </summary>
    public IEnumerable<string> DescribeEndpoints() =>
        Features.OfType<IRuntimeEndpoints>().SelectMany(f => f.DescribeEndpoints());

    public async ValueTask DisposeAsync()
    {
        // First: a stopping runtime must not be found by `localdapr invoke` or `list` any more.
        DeleteStateFile();
        List<Slot> all;
        lock (_gate)
        {
            all = [.. _slots];
            _slots.Clear();
        }

        await Task.WhenAll(all.Select(async slot =>
        {
            slot.CancelRestart();
            try
            {
                await StopSlotAsync(slot);
            }
            finally
            {
                await slot.Host.DisposeAsync();
            }
        }));

        foreach (var feature in Features)
        {
            switch (feature)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        _context.StateStores.Dispose();
        _appHttp.Dispose();
        _telemetry?.Dispose();
    }

    private async Task StopSlotAsync(Slot slot)
    {
        using var timeout = new CancellationTokenSource(_context.Options.AppStopTimeout * 2);
        try
        {
            await StopAsync(slot, AppStopMode.Graceful, timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
        {
            _logger.LogWarning("Stopping {Instance} did not finish cleanly: {Error}", slot.Sidecar.Instance.InstanceName, e.Message);
            if (slot.TakeProcess() is { } process)
            {
                await process.KillAsync();
            }
        }
    }

    private async Task RunAppAsync(Slot slot, CancellationToken cancellationToken)
    {
        var instance = slot.Sidecar.Instance;
        if (slot.Spec.Command.Count > 0)
        {
            // Readiness is "the port answers", so a port someone else holds would pass it while the app fails to bind.
            if (instance.AppPort is int port && await AppProcess.AcceptsConnectionsAsync(port, cancellationToken))
            {
                throw new AppStartException(instance, $"was not started: port {port} is already in use by another process", "");
            }

            var process = AppProcess.Start(slot.Spec, instance, _context.Options.AppOutput);
            slot.SetProcess(process);
            UpdateStateFile();
            try
            {
                await process.WaitForPortAsync(instance, _context.Options.AppReadyTimeout, cancellationToken);
            }
            catch
            {
                slot.TakeProcess();
                UpdateStateFile();
                await process.KillAsync();
                throw;
            }

            slot.CrashWatch = WatchForCrashAsync(slot, process);
        }

        slot.Host.Status.AppReady = true;
        foreach (var feature in Features)
        {
            await feature.AppReadyAsync(slot.Sidecar, cancellationToken);
        }
    }

    /// <summary>
    /// An app that exits by itself (a crash, or killed from outside) is noticed as daprd notices its app channel
    /// closing: health turns 500 and the features let go of it. It can be restarted with <see cref="RestartAppAsync"/>.
    /// </summary>
    private async Task WatchForCrashAsync(Slot slot, AppProcess process)
    {
        var code = await process.Exited;
        if (!slot.TakeProcess(process))
        {
            return; // stopped through the runtime, which notifies the features itself
        }

        slot.Host.Status.AppReady = false;
        UpdateStateFile();
        _logger.LogWarning("App {Instance} exited with code {ExitCode}", slot.Sidecar.Instance.InstanceName, code);

        // What it started may outlive it (`dotnet run`'s app when `dotnet run` is killed) and hold its port.
        await process.KillAsync();
        try
        {
            using var timeout = new CancellationTokenSource(_context.Options.AppStopTimeout * 2);
            await NotifyStoppedAsync(slot, timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or InvalidOperationException)
        {
            _logger.LogWarning("Features did not let go of {Instance} cleanly: {Error}", slot.Sidecar.Instance.InstanceName, e.Message);
        }

        if (_context.Options.RestartPolicy is { } policy)
        {
            _ = RestartAfterCrashAsync(slot, policy, process);
        }
    }

    /// <summary>
    /// Starts a crashed app again after the policy's backoff, and keeps trying (longer each time) while it fails to
    /// start. Stopping the app through the runtime, or disposing the runtime, ends the loop.
    /// </summary>
    private async Task RestartAfterCrashAsync(Slot slot, RestartPolicy policy, AppProcess crashed)
    {
        var instance = slot.Sidecar.Instance.InstanceName;
        var restart = crashed.Uptime >= policy.ResetAfter ? 1 : slot.CrashLoop + 1;
        var stopping = slot.BeginRestart();
        while (!stopping.IsCancellationRequested)
        {
            slot.CrashLoop = restart;
            var delay = policy.DelayBefore(restart);
            try
            {
                await Task.Delay(delay, _context.Time, stopping);
                await RunAppAsync(slot, stopping);
                _logger.LogWarning("App {Instance} restarted after {Delay:0.#}s (restart {Restart}, pid {Pid})", instance, delay.TotalSeconds, restart, slot.Process?.Id);
                AppRestarted?.Invoke(slot.Sidecar.Instance);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (AppStartException e)
            {
                _logger.LogWarning("App {Instance} did not start again: {Error}", instance, e.Message);
                restart++;
            }
        }
    }

    private async Task NotifyStoppedAsync(Slot slot, CancellationToken cancellationToken)
    {
        foreach (var feature in Features)
        {
            await feature.AppStoppedAsync(slot.Sidecar, cancellationToken);
        }
    }

    /// <summary>
    /// Writes what other processes see of this runtime (<see cref="LocalDaprOptions.Home"/>) after any change to
    /// its instances or their processes. A failure to write leaves the runtime running, unlisted.
    /// </summary>
    private void UpdateStateFile()
    {
        if (_stateFile is null)
        {
            return;
        }

        // Snapshot and write under one lock: a snapshot taken earlier never overwrites a later one.
        lock (_stateFileGate)
        {
            List<Slot> slots;
            lock (_gate)
            {
                slots = [.. _slots];
            }

            var apps = slots.Select(s => new RunAppRecord(
                s.Sidecar.AppId, s.Sidecar.Instance.InstanceName, s.Sidecar.Instance.HttpPort, s.Sidecar.Instance.GrpcPort,
                s.Sidecar.Instance.AppPort, s.Process?.Id, s.Spec.Command, s.Started)).ToList();
            try
            {
                _stateFile.Write(new RunRecord(Environment.ProcessId, _processStarted, _started, _context.Options.RunFile, apps));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("Could not write the state file {File}, so other processes do not see this run: {Error}", _stateFile.Path, e.Message);
            }
        }
    }

    private static DateTime ProcessStartTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.StartTime.ToUniversalTime();
    }

    private void DeleteStateFile()
    {
        try
        {
            _stateFile?.Delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Could not delete the state file {File}: {Error}", _stateFile?.Path, e.Message);
        }
    }

    private Slot SlotOf(AppInstance instance)
    {
        lock (_gate)
        {
            return _slots.Find(s => s.Sidecar.Instance == instance)
                ?? throw new InvalidOperationException($"No app instance {instance.InstanceName} in this runtime.");
        }
    }

    private sealed class Slot(AppSpec spec, SidecarHost host, DateTimeOffset started)
    {
        public AppSpec Spec { get; } = spec;

        /// <summary>
        /// When the sidecar started, on the wall clock (not the runtime's <see cref="LocalDaprOptions.Time"/>): other
        /// processes compare it with theirs, as `dapr list` reads daprd's process start time.
        /// </summary>
        public DateTimeOffset Started { get; } = started;

        public SidecarHost Host { get; } = host;

        public Sidecar Sidecar => Host.Sidecar;

        private AppProcess? _process;

        public Task CrashWatch { get; set; } = Task.CompletedTask;

        private CancellationTokenSource? _restart;

        /// <summary>
        /// Restarts in a row after crashes (see <see cref="RestartPolicy"/>).
        /// </summary>
        public int CrashLoop { get; set; }

        /// <summary>
        /// A restart after a crash begins; its token is cancelled when the app is stopped through the runtime.
        /// </summary>
        public CancellationToken BeginRestart()
        {
            var restart = new CancellationTokenSource();
            Interlocked.Exchange(ref _restart, restart)?.Cancel();
            return restart.Token;
        }

        /// <summary>
        /// Calls off a pending restart (the app is being stopped or the runtime disposed).
        /// </summary>
        public void CancelRestart() => Interlocked.Exchange(ref _restart, null)?.Cancel();

        /// <summary>
        /// The running process, if any.
        /// </summary>
        public AppProcess? Process => Volatile.Read(ref _process);

        /// <summary>
        /// The most recent process, running or not (its exit code and output stay readable).
        /// </summary>
        public AppProcess? LastProcess { get; private set; }

        public void SetProcess(AppProcess started)
        {
            LastProcess = started;
            Volatile.Write(ref _process, started);
        }

        /// <summary>
        /// Takes the running process away (whoever takes it stops it or reports its end); null if none.
        /// </summary>
        public AppProcess? TakeProcess() => Interlocked.Exchange(ref _process, null);

        /// <summary>
        /// Takes <paramref name="expected"/> if it is still the running process.
        /// </summary>
        public bool TakeProcess(AppProcess expected) => Interlocked.CompareExchange(ref _process, null, expected) == expected;
    }
}
