using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DaprOrders.Tests;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// `localdapr list` as a user runs it, against a real `localdapr run -f` in another process: the run lists itself
/// in the home folder while it runs and removes its state file when it stops; a killed run's file is ignored.
/// </summary>
public sealed partial class ListCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("localdapr-list-");

    private string Home => Path.Combine(_folder.FullName, "home");

    [Fact]
    public async Task List_shows_every_instance_of_a_running_run_and_nothing_once_it_stopped()
    {
        var (appPort, httpPort, grpcPort) = (TestRuntime.FreePort(), TestRuntime.FreePort(), TestRuntime.FreePort());
        var runFile = WriteRunFile($"""
            version: 1
            common:
              resourcesPath: ./components
            apps:
              - appID: first
                appDirPath: {Path.GetDirectoryName(TestRuntime.TestAppDll)}
                appPort: {appPort}
                command: ["dotnet", "{TestRuntime.TestAppDll}"]
              - appID: loader
                appDirPath: .
                daprHTTPPort: {httpPort}
                daprGRPCPort: {grpcPort}
            """);
        using var run = LocalDaprProcess.Start(Home, ["run", "-f", runFile, "--app-ready-timeout", "60"]);
        await run.WaitForLineAsync(l => l.Contains("app instance(s) running", StringComparison.Ordinal));
        var first = run.Lines.Select(l => AppLine().Match(l)).Single(m => m.Success && m.Groups["instance"].Value == "first-0");

        var table = await ListAsync();
        var json = await ListAsync("-o", "json");
        var yaml = await ListAsync("--output", "yaml");

        Assert.True(table.ExitCode == 0 && json.ExitCode == 0 && yaml.ExitCode == 0, $"{table}{Environment.NewLine}{json}");
        Assert.Equal(3, table.Output.Count);
        Assert.Equal(["APP ID", "HTTP PORT", "GRPC PORT", "APP PORT", "COMMAND", "AGE", "CREATED", "DAPRD PID", "CLI PID", "APP PID", "RUN TEMPLATE PATH"],
            ColumnGap().Split(table.Output[0]));
        Assert.StartsWith("first ", table.Output[1], StringComparison.Ordinal);
        Assert.Matches($@"^loader\s+{httpPort}\s+{grpcPort}\s+0\s+\d+s\s+\d{{4}}-\d\d-\d\d \d\d:\d\d\.\d\d\s+{run.Id}\s+{run.Id}\s+0\s+{Regex.Escape(runFile)}$", table.Output[2]);

        var rows = JsonNode.Parse(string.Join('\n', json.Output))!.AsArray();
        Assert.Equal(["first", "loader"], rows.Select(r => (string?)r!["appId"]));
        var app = rows[0]!;
        Assert.Equal(int.Parse(first.Groups["http"].Value, CultureInfo.InvariantCulture), (int?)app["httpPort"]);
        Assert.Equal(int.Parse(first.Groups["grpc"].Value, CultureInfo.InvariantCulture), (int?)app["grpcPort"]);
        Assert.Equal(appPort, (int?)app["appPort"]);
        Assert.Equal(int.Parse(first.Groups["pid"].Value, CultureInfo.InvariantCulture), (int?)app["appPid"]);
        Assert.Equal(run.Id, (int?)app["cliPid"]);
        Assert.Equal(run.Id, (int?)app["daprdPid"]);
        Assert.Equal("dotnet /", ((string?)app["command"])?[..8]); // cut to 20 characters, as dapr list does
        Assert.Equal(20, ((string?)app["command"])?.Length);
        Assert.Equal(runFile, (string?)app["runTemplatePath"]);
        Assert.Contains("- appId: first", yaml.Output);

        Assert.Equal(0, await run.TerminateAsync());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Home, "runs")));
        Assert.Equal(["No Dapr instances found."], (await ListAsync()).Output);
        Assert.Equal(["[]"], (await ListAsync("-o", "json")).Output);
    }

    [Fact]
    public async Task A_killed_runs_state_file_is_ignored_and_removed()
    {
        var runFile = WriteRunFile($"""
            version: 1
            common:
              resourcesPath: ./components
            apps:
              - appID: loader
                appDirPath: .
            """);
        using var run = LocalDaprProcess.Start(Home, ["run", "-f", runFile]);
        await run.WaitForLineAsync(l => l.Contains("app instance(s) running", StringComparison.Ordinal));
        var stateFile = Assert.Single(Directory.GetFiles(Path.Combine(Home, "runs")));
        Assert.Equal($"{run.Id}-1.json", Path.GetFileName(stateFile));

        await run.KillAsync();
        Assert.True(File.Exists(stateFile), "a killed run cannot remove its state file");
        var list = await ListAsync();

        Assert.Equal(["No Dapr instances found."], list.Output);
        Assert.False(File.Exists(stateFile), "the stale state file was not removed");
    }

    public void Dispose() => _folder.Delete(recursive: true);

    [GeneratedRegex(@"^localdapr: app (?<instance>\S+) \(pid (?<pid>\d+)\) on port \d+; Dapr HTTP 127\.0\.0\.1:(?<http>\d+), gRPC 127\.0\.0\.1:(?<grpc>\d+)$")]
    private static partial Regex AppLine();

    /// <summary>
    /// Columns are separated by at least two spaces (a header like `APP ID` has one inside).
    /// </summary>
    [GeneratedRegex(" {2,}")]
    private static partial Regex ColumnGap();

    private Task<CliResult> ListAsync(params string[] arguments) => LocalDaprProcess.RunAsync(Home, ["list", .. arguments]);

    private string WriteRunFile(string yaml)
    {
        var components = Directory.CreateDirectory(Path.Combine(_folder.FullName, "components")).FullName;
        File.WriteAllText(Path.Combine(components, "state.yaml"), TestRuntime.StateStoreYaml);
        var path = Path.Combine(_folder.FullName, "dapr.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
