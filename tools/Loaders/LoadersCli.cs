using System.CommandLine;
using System.CommandLine.Invocation;
using DaprOrders.Loaders.Bench;
using DaprOrders.Loaders.Cli;
using DaprOrders.Loaders.Customers;
using DaprOrders.Loaders.Orders;
using DaprOrders.Loaders.Stock;
using DaprOrders.Loaders.Tail;

namespace DaprOrders.Loaders;

/// <summary>
/// The `loaders` command line: stock, customers, orders, topic and bench commands. Program.cs and the tests both go
/// through <see cref="InvokeAsync"/>.
/// </summary>
internal static class LoadersCli
{
    public static RootCommand Create(LoaderContext context) =>
        new("Loaders for the DaprOrders system: warehouse stock, customers, orders with payments, a topic tail and a benchmark.")
        {
            StockCommands.Create(context),
            CustomersCommands.Create(context),
            OrdersCommands.Create(context),
            TopicCommands.Create(),
            BenchCommands.Create(context),
        };

    /// <summary>
    /// Parses and runs. Bad arguments print the errors and a pointer to --help (not the whole help) and exit with
    /// <see cref="ExitCodes.Usage"/>, having sent nothing.
    /// </summary>
    public static async Task<int> InvokeAsync(
        IReadOnlyList<string> args, LoaderContext context, InvocationConfiguration configuration, CancellationToken cancellationToken = default)
    {
        var parse = Create(context).Parse(args);
        if (parse.Errors.Count == 0)
        {
            return await parse.InvokeAsync(configuration, cancellationToken);
        }

        if (parse.Action is ParseErrorAction errors)
        {
            errors.ShowHelp = false;
        }

        await parse.InvokeAsync(configuration, cancellationToken);
        await configuration.Error.WriteLineAsync($"See '{CommandPath(parse)} --help'.");
        return ExitCodes.Usage;
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var command = parse.CommandResult; command is not null; command = command.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, command.Command is RootCommand ? "loaders" : command.Command.Name);
        }

        return string.Join(' ', names);
    }
}
