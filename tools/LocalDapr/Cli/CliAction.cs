namespace DaprOrders.LocalDapr.Cli;

/// <summary>
/// Runs a command's body and turns a <see cref="CliException"/> into its one line on stderr and its exit code.
/// </summary>
public static class CliAction
{
    /// <summary>
    /// 0 when <paramref name="body"/> completes, else the failure's exit code after printing it.
    /// </summary>
    public static async Task<int> RunAsync(Func<Task> body)
    {
        try
        {
            await body();
            return 0;
        }
        catch (CliException e)
        {
            await StatusLines.FailureAsync(e.Message);
            return e.ExitCode;
        }
    }
}
