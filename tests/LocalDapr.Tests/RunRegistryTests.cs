using System.Diagnostics;
using DaprOrders.LocalDapr.Runs;
using DaprOrders.LocalDapr.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// How a runtime lists itself for other processes (its state file) and how readers tell a running runtime from a
/// file left behind.
/// </summary>
public sealed class RunRegistryTests : IDisposable
{
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("localdapr-registry-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_runtime_lists_its_instances_as_they_start_and_stop_and_unlists_itself_when_disposed()
    {
        var home = new LocalDaprHome(_home.FullName);
        var registry = new RunRegistry(home);
        await using (var runtime = await LocalDaprRuntime.StartAsync(Options(home), Ct))
        {
            Assert.Empty(Assert.Single(registry.Running()).Apps);
            var loader = await runtime.StartAppAsync(new AppSpec("loader", [], _home.FullName), Ct);
            var worker = await runtime.StartAppAsync(TestRuntime.TestAppSpec("worker"), Ct);

            var run = Assert.Single(registry.Running());
            Assert.Equal(Environment.ProcessId, run.Pid);
            Assert.Equal("dapr.yaml", run.RunFile);
            Assert.Collection(run.Apps,
                a => Assert.Equal(("loader", "loader-0", loader.HttpPort, loader.GrpcPort, (int?)null, (int?)null, 0), (a.AppId, a.Instance, a.HttpPort, a.GrpcPort, a.AppPort, a.AppPid, a.Command.Count)),
                a => Assert.Equal(("worker-0", worker.AppPort, runtime.ProcessIdOf(worker), "dotnet"), (a.Instance, a.AppPort, a.AppPid, a.Command[0])));

            await runtime.StopAppAsync(worker, AppStopMode.Graceful, Ct);
            Assert.Null(Assert.Single(registry.Running()).Apps[1].AppPid);
        }

        Assert.Empty(registry.Running());
        Assert.Empty(Directory.EnumerateFileSystemEntries(home.RunsFolder));
    }

    [Fact]
    public async Task A_state_file_whose_process_is_gone_is_ignored_and_deleted()
    {
        using var gone = Process.Start("true")!;
        await gone.WaitForExitAsync(Ct);
        var file = Write(Record(gone.Id, DateTime.UtcNow));

        Assert.Empty(Registry().Running());
        Assert.False(File.Exists(file.Path));
    }

    [Fact]
    public void A_pid_now_used_by_another_process_does_not_keep_a_state_file_alive()
    {
        // This process's pid, but a process that started an hour earlier: the run that wrote it is gone.
        var file = Write(Record(Environment.ProcessId, DateTime.UtcNow.AddHours(-1)));

        Assert.Empty(Registry().Running());
        Assert.False(File.Exists(file.Path));
    }

    [Fact]
    public void A_file_that_is_not_a_state_file_is_left_alone()
    {
        var runs = Directory.CreateDirectory(new LocalDaprHome(_home.FullName).RunsFolder).FullName;
        var foreign = Path.Combine(runs, "notes.json");
        File.WriteAllText(foreign, "not json");
        var live = Write(Record(Environment.ProcessId, ThisProcessStarted()));

        Assert.Single(Registry().Running());
        Assert.True(File.Exists(foreign));
        Assert.True(File.Exists(live.Path));
    }

    public void Dispose() => _home.Delete(recursive: true);

    private LocalDaprOptions Options(LocalDaprHome home) => new()
    {
        MailFolder = Path.Combine(_home.FullName, "mail"),
        AppOutput = _ => { },
        LoggerFactory = NullLoggerFactory.Instance,
        AppReadyTimeout = TestRuntime.Timeout,
        Home = home,
        RunFile = "dapr.yaml",
    };

    private RunRegistry Registry() => new(new LocalDaprHome(_home.FullName));

    private RunStateFile Write(RunRecord record)
    {
        var file = RunStateFile.Create(new LocalDaprHome(_home.FullName));
        file.Write(record);
        return file;
    }

    private static RunRecord Record(int pid, DateTime processStarted) =>
        new(pid, processStarted, DateTimeOffset.UtcNow, null, [new RunAppRecord("orders", "orders-0", 3500, 50001, 6001, null, [], DateTimeOffset.UtcNow)]);

    private static DateTime ThisProcessStarted()
    {
        using var self = Process.GetCurrentProcess();
        return self.StartTime.ToUniversalTime();
    }
}
