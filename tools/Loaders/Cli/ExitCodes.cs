namespace DaprOrders.Loaders.Cli;

internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>
    /// Something was refused or could not be reached; the summary says what.
    /// </summary>
    public const int Failed = 1;

    /// <summary>
    /// The command line was wrong: nothing was sent.
    /// </summary>
    public const int Usage = 2;

    /// <summary>
    /// Ctrl-C or SIGTERM: what was done so far is summarised.
    /// </summary>
    public const int Interrupted = 130;
}
