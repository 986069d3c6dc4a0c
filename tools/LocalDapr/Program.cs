using System.CommandLine;
using System.CommandLine.Invocation;
using DaprOrders.LocalDapr.Cli;

// localdapr: a local stand-in for daprd (see docs/local-runtime.md), with the dapr CLI's everyday commands.
var root = new RootCommand("Local Dapr runtime: runs apps on local sidecars without daprd, Kafka or Docker.")
{
    RunCommand.Create(),
    InvokeCommand.Create(),
    PublishCommand.Create(),
    ListCommand.Create(),
};

// No `@file` response files: `--data @x` is data, as in the dapr CLI.
var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
if (parse.Action is ParseErrorAction)
{
    // Bad input is one line (not the help text), so it stands out in a script's output.
    var command = string.Join(' ', parse.CommandResult.Command == root ? ["localdapr"] : ["localdapr", parse.CommandResult.Command.Name]);
    await StatusLines.FailureAsync($"{string.Join(' ', parse.Errors.Select(e => e.Message))} (see '{command} --help')");
    return CliException.BadInputExitCode;
}

// Ctrl-C and SIGTERM cancel the command's token; the runtime then stops every app within its stop timeout.
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
