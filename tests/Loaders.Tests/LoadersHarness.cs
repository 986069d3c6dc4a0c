using System.CommandLine;
using System.Net;
using System.Net.Sockets;

namespace DaprOrders.Loaders.Tests;

internal sealed record RunResult(int ExitCode, string Out, string Error)
{
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// Runs the loaders command line in-process against a fake HTTP endpoint, a stepping clock and an environment
/// of the test's own, capturing stdout and stderr.
/// </summary>
internal sealed class LoadersHarness
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public LoadersHarness() => Http = new FakeHttp(Clock);

    public SteppingClock Clock { get; } = new();

    public FakeHttp Http { get; }

    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>
    /// Real sockets instead of the fake endpoint (for unreachable addresses).
    /// </summary>
    public bool UseRealHttp { get; set; }

    public Task<RunResult> RunAsync(params string[] args) => RunAsync(TestContext.Current.CancellationToken, args);

    public async Task<RunResult> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new LoaderContext
        {
            CreateHttpHandler = () => UseRealHttp ? new SocketsHttpHandler() : Http,
            Time = Clock,
            Environment = name => Environment.GetValueOrDefault(name),
        };
        var configuration = new InvocationConfiguration { Output = TextWriter.Synchronized(output), Error = TextWriter.Synchronized(error) };

        var exitCode = await LoadersCli.InvokeAsync(args, context, configuration, cancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);

        return new RunResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>
    /// A loopback port nothing listens on.
    /// </summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
