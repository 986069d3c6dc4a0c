namespace DaprOrders.Loaders.Cli;

internal static class ExitCodes
{
    public const int Ok = 0;

    /// Something was refused or could not be reached; the summary says what.
    public const int Failed = 1;

    /// The command line was wrong: nothing was sent.
    public const int Usage = 2;

    /// Ctrl-C or SIGTERM: what was done so far is summarised.
    public const int Interrupted = 130;
}
