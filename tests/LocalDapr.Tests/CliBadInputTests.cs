using DaprOrders.Tests;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// Command lines of `invoke`, `publish` and `list` that cannot work: each gives one line on stderr, nothing on
/// stdout and exit code 2, before any runtime is looked up (the home folder here lists none, which would be exit 1).
/// </summary>
public sealed class CliBadInputTests : IDisposable
{
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("localdapr-bad-input-");

    public static TheoryData<string[], string> BadCommandLines => new()
    {
        { ["invoke", "-a", "orders", "-m", "v1/orders", "--bogus"], "Unrecognized command or argument '--bogus'" },
        { ["invoke", "--method", "v1/orders"], "Option '--app-id' is required" },
        { ["invoke", "--app-id", "orders"], "Option '--method' is required" },
        { ["invoke", "-a", "orders", "-m", "v1/orders", "-d", """{"id":"o-1",}"""], "the data is not valid JSON" },
        { ["invoke", "-a", "orders", "-m", "v1/orders", "-d", "{}", "-f", "order.json"], "only one of --data and --data-file" },
        { ["invoke", "-a", "orders", "-m", "v1/orders", "-f", "/nonexistent/order.json"], "cannot read --data-file '/nonexistent/order.json'" },
        { ["invoke", "-a", "orders", "-m", "v1/orders", "-H", "X-Only-A-Name"], "--header 'X-Only-A-Name' is not Name=Value" },
        { ["publish", "--pubsub", "pubsub", "--topic", "warehouse-inventory"], "Option '--publish-app-id' is required" },
        { ["publish", "-i", "loader", "-p", "pubsub"], "Option '--topic' is required" },
        { ["publish", "-i", "loader", "-p", "pubsub", "-t", "warehouse-inventory", "-d", "JUMPERS=10"], "the data is not valid JSON" },
        { ["publish", "-i", "loader", "-p", "pubsub", "-t", "warehouse-inventory", "-m", "partitionKey=JUMPERS"], "--metadata is not valid JSON" },
        { ["list", "-o", "xml"], "Argument 'xml' not recognized" },
        { ["lsit"], "Unrecognized command or argument 'lsit'" },
    };

    [Theory]
    [MemberData(nameof(BadCommandLines))]
    public async Task Bad_input_is_one_line_on_stderr_and_exit_code_2(string[] arguments, string expected)
    {
        var result = await LocalDaprProcess.RunAsync(_home.FullName, arguments);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Empty(result.Output);
        var line = Assert.Single(result.Errors);
        Assert.StartsWith("❌  ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    public void Dispose() => _home.Delete(recursive: true);
}
