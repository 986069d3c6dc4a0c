using static System.FormattableString;

namespace DaprOrders.Loaders.Cli;

internal static class RunText
{
    /// <summary>
    /// "12.5/s", or "-/s" when no time has passed (a fake clock, or a run that sent nothing).
    /// </summary>
    public static string Rate(int count, double seconds) => seconds > 0 ? Invariant($"{count / seconds:0.0}/s") : "-/s";
}
