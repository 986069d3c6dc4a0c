using System.CommandLine;

namespace DaprOrders.Loaders.Cli;

/// <summary>
/// Where a command writes: results and summaries on <see cref="Out"/>, progress and errors on <see cref="Error"/>
/// (the invocation's writers, so tests capture both).
/// </summary>
internal sealed record Terminal(TextWriter Out, TextWriter Error);

internal static class LoaderActions
{
    /// <summary>
    /// Sets a command's body. A <see cref="LoaderException"/> becomes one line on stderr and exit code 1, Ctrl-C
    /// exit code 130; anything else is a bug and keeps System.CommandLine's report with its stack trace.
    /// </summary>
    public static void SetLoaderAction(this Command command, Func<ParseResult, Terminal, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            var terminal = new Terminal(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            try
            {
                return await body(parse, terminal, cancellationToken);
            }
            catch (LoaderException e)
            {
                await terminal.Error.WriteLineAsync($"loaders: {e.Message}");
                return ExitCodes.Failed;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await terminal.Error.WriteLineAsync("loaders: interrupted");
                return ExitCodes.Interrupted;
            }
        });
}
