namespace DaprOrders.Loaders.Tests;

/// <summary>
/// Bad arguments: a message naming the problem, exit code 2, no stack trace, and nothing sent.
/// </summary>
public sealed class CommandLineTests
{
    private readonly LoadersHarness _loaders = new();

    [Theory]
    [InlineData("Unknown product 'FOO'; use one of JUMPERS, UNDERPANTS, STOCKINGS.", "stock", "add", "--product", "FOO", "--quantity", "1")]
    [InlineData("Unknown product '1'", "stock", "add", "--product", "1", "--quantity", "1")]
    [InlineData("--quantity must not be negative, not -1.", "stock", "add", "--product", "JUMPERS", "--quantity", "-1")]
    [InlineData("Option '--quantity' is required.", "stock", "add", "--product", "JUMPERS")]
    [InlineData("--count must be a positive number, not 0.", "orders", "post", "--count", "0")]
    [InlineData("--count must be a positive number, not -5.", "orders", "post", "--count", "-5")]
    [InlineData("--rate must be a positive number of orders per second (e.g. 10 or 2.5/s), not '0'.", "orders", "post", "--rate", "0")]
    [InlineData("--rate must be a positive number of orders per second (e.g. 10 or 2.5/s), not '-2/s'.", "orders", "post", "--rate", "-2/s")]
    [InlineData("--rate must be a positive number of orders per second (e.g. 10 or 2.5/s), not 'fast'.", "orders", "post", "--rate", "fast")]
    [InlineData("--max-in-flight must be a positive number, not 0.", "orders", "post", "--max-in-flight", "0")]
    [InlineData("--price must not be negative, not -1.", "orders", "post", "--price", "-1")]
    [InlineData("--currency must be three capital letters such as EUR, not 'euro'.", "orders", "post", "--currency", "euro")]
    [InlineData("Unknown product 'SOCKS'", "orders", "post", "--product", "SOCKS")]
    [InlineData("--api-url must be an absolute http(s) URL such as http://localhost:3500; not 'localhost:6001'.", "orders", "post", "--api-url", "localhost:6001")]
    [InlineData("--dapr-url must be an absolute http(s) URL such as http://localhost:3500; not 'ftp://sidecar'.", "customers", "generate", "--dapr-url", "ftp://sidecar")]
    [InlineData("--count must be a positive number, not 0.", "customers", "generate", "--count", "0")]
    [InlineData("Option '--email' is required.", "customers", "add", "--id", "c-1", "--first", "Ada", "--last", "L", "--level", "gold")]
    [InlineData("--email must be an email address, not 'ada'.", "customers", "add", "--id", "c-1", "--first", "Ada", "--last", "L", "--email", "ada", "--level", "gold")]
    [InlineData("Argument 'diamond' not recognized. Must be one of:", "customers", "add", "--id", "c-1", "--first", "Ada", "--last", "L", "--email", "a@b", "--level", "diamond")]
    [InlineData("--id must not be empty.", "customers", "add", "--id", " ", "--first", "Ada", "--last", "L", "--email", "a@b", "--level", "gold")]
    [InlineData("Option '--topic' is required.", "topic", "tail")]
    [InlineData("--count must be a positive number, not 0.", "topic", "tail", "--topic", "orders", "--count", "0")]
    [InlineData("Required command was not provided.", "orders")]
    [InlineData("--in-flight must be positive whole numbers separated by commas (e.g. 1,8,64), not '0'.", "bench", "--in-flight", "1,0")]
    [InlineData("--in-flight must be positive whole numbers separated by commas (e.g. 1,8,64), not 'many'.", "bench", "--in-flight", "many")]
    [InlineData("--rate must be a positive number of orders per second (e.g. 10 or 2.5/s), not '-5/s'.", "bench", "--rate", "50,-5/s")]
    [InlineData("--duration must be a positive number, not 0.", "bench", "--duration", "0")]
    [InlineData("--warmup must not be negative, not -1.", "bench", "--warmup", "-1")]
    [InlineData("--customers must be a positive number, not 0.", "bench", "--customers", "0")]
    [InlineData("--set-stock must not be negative, not -3.", "bench", "--set-stock", "-3")]
    [InlineData("--pid must be a process id, not -4.", "bench", "--pid", "-4")]
    [InlineData("--pid and --no-processes exclude each other.", "bench", "--pid", "42", "--no-processes")]
    [InlineData("Unknown product 'SOCKS'", "bench", "--product", "SOCKS")]
    [InlineData("--idle must be a positive number of seconds, not 0.", "bench", "--idle", "0")]
    [InlineData("--idle measures processes: not with --no-processes.", "bench", "--idle", "30", "--no-processes")]
    [InlineData("--idle-settle must not be negative, not -1.", "bench", "--idle", "30", "--idle-settle", "-1")]
    [InlineData("--idle-settle goes with --idle.", "bench", "--idle-settle", "10")]
    public async Task Bad_arguments_are_reported_and_nothing_is_sent(string message, params string[] args)
    {
        var run = await _loaders.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Contains("--help'", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.Empty(_loaders.Http.Requests);
    }

    [Fact]
    public async Task A_bad_DAPR_HTTP_PORT_is_reported_as_the_source_of_the_default_url()
    {
        _loaders.Environment["DAPR_HTTP_PORT"] = "not-a-port";

        var run = await _loaders.RunAsync("stock", "add", "--product", "JUMPERS", "--quantity", "1");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--dapr-url must be an absolute http(s) URL such as http://localhost:3500; its default (from the environment) is 'http://localhost:not-a-port'.", run.Error, StringComparison.Ordinal);
        Assert.Empty(_loaders.Http.Requests);
    }

    [Fact]
    public async Task Help_lists_the_commands()
    {
        var run = await _loaders.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var command in new[] { "stock", "customers", "orders", "topic", "bench" })
        {
            Assert.Contains($"  {command} ", run.Out, StringComparison.Ordinal);
        }
    }
}
