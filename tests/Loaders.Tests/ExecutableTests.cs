using System.Diagnostics;
using System.Reflection;

namespace DaprOrders.Loaders.Tests;

/// <summary>
/// The built `loaders` executable, as a user runs it: Program.cs wires the same command line.
/// </summary>
public sealed class ExecutableTests
{
    private static string LoadersDll => typeof(ExecutableTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "LoadersDll").Value!;

    [Fact]
    public async Task Unreachable_sidecar_gives_a_one_line_error_and_exit_code_1()
    {
        var (exitCode, output, error) = await RunAsync("stock", "add", "--product", "JUMPERS", "--quantity", "1", "--dapr-url", $"http://127.0.0.1:{LoadersHarness.ClosedPort()}");

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.StartsWith("loaders: Cannot reach the Dapr sidecar at http://127.0.0.1:", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Bad_arguments_give_exit_code_2()
    {
        var (exitCode, _, error) = await RunAsync("orders", "post", "--rate", "0");

        Assert.Equal(2, exitCode);
        Assert.Contains("--rate must be a positive number", error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(LoadersDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The test's own environment must not leak a sidecar port or token into the default URL.
        start.Environment.Remove("DAPR_HTTP_PORT");
        start.Environment.Remove("DAPR_API_TOKEN");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(LoadersHarness.Timeout, TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
