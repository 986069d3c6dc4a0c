using DaprOrders.LocalDapr.Cli;
using DaprOrders.LocalDapr.Components;

namespace DaprOrders.LocalDapr.Tests;

public sealed class RunFileTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("localdapr-runfile-");

    [Fact]
    public void Paths_are_relative_to_the_file_and_env_merges_common_with_app()
    {
        Directory.CreateDirectory(Path.Combine(_folder.FullName, "components"));
        Directory.CreateDirectory(Path.Combine(_folder.FullName, "svc", "a"));
        var file = Write("""
            version: 1
            common:
              resourcesPath: ./components
              env:
                LOG: info
                MODE: common
            apps:
              - appID: alpha
                appDirPath: ./svc/a
                appPort: 7001
                daprHTTPPort: 3601
                daprGRPCPort: 50101
                command: ["dotnet", "run", "--no-build"]
                env:
                  MODE: app
                  DAPR_API_TOKEN: secret
              - appID: alpha
                appDirPath: ./svc/a
                appPort: 7002
                command: ["dotnet", "run"]
            """);

        var run = RunFile.Load(file);

        Assert.Equal([Path.Combine(_folder.FullName, "components")], run.ResourcesPaths);
        Assert.Equal(2, run.Apps.Count);
        var first = run.Apps[0];
        Assert.Equal("alpha", first.AppId);
        Assert.Equal(Path.Combine(_folder.FullName, "svc", "a"), first.WorkingDirectory);
        Assert.Equal(["dotnet", "run", "--no-build"], first.Command);
        Assert.Equal((7001, 3601, 50101), (first.AppPort, first.HttpPort, first.GrpcPort));
        Assert.Equal("app", first.Env["MODE"]);
        Assert.Equal("info", first.Env["LOG"]);
        Assert.Equal("secret", first.DaprApiToken);
        Assert.Equal("common", run.Apps[1].Env["MODE"]);
        Assert.Null(run.Apps[1].HttpPort);
        Assert.Null(run.Apps[1].DaprApiToken);
    }

    [Fact]
    public void An_app_without_a_command_is_a_sidecar_alone_with_the_ports_it_asks_for()
    {
        // As the dapr CLI: appDirPath stays required, command may be left out (daprd then runs alone).
        var file = Write("""
            version: 1
            apps:
              - appID: loader
                appDirPath: .
                daprHTTPPort: 3500
                daprGRPCPort: 50100
            """);

        var loader = Assert.Single(RunFile.Load(file).Apps);

        Assert.Equal("loader", loader.AppId);
        Assert.Empty(loader.Command);
        Assert.Equal((null, 3500, 50100), (loader.AppPort, loader.HttpPort, loader.GrpcPort));
    }

    [Theory]
    [InlineData("version: 1\napps:\n  - appDirPath: .\n    command: [\"x\"]\n", "apps[0].appID")]
    [InlineData("version: 1\napps:\n  - appID: a\n    appDirPath: ./missing\n", "apps[0].appDirPath")]
    [InlineData("version: 1\napps:\n  - appID: a\n    appDirPath: .\n    appPort: http\n", "apps[0].appPort")]
    [InlineData("version: 1\napps:\n  - appID: a\n    appDirPath: .\n    command: dotnet run\n", "apps[0].command")]
    [InlineData("version: 1\napps: []\n", "apps")]
    [InlineData("apps:\n  - appID: a\n    appDirPath: .\n", "version")]
    public void Invalid_run_file_names_the_field(string yaml, string field)
    {
        var file = Write(yaml);

        var error = Assert.Throws<ResourceException>(() => RunFile.Load(file));

        Assert.Equal(field, error.Field);
        Assert.Contains("dapr.yaml", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private string Write(string yaml)
    {
        var path = Path.Combine(_folder.FullName, "dapr.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
