namespace DaprOrders.LocalDapr.Cli;

/// <summary>
/// Why a command stops: one line for stderr and the exit code (<see cref="BadInput"/> 2, <see cref="Failed"/> 1).
/// Thrown by the commands' steps and printed in one place, <see cref="CliAction"/>.
/// </summary>
public sealed class CliException(string message, int exitCode) : Exception(message)
{
    /// <summary>
    /// Exit code of a command line that cannot work: unknown or missing flags, malformed values.
    /// </summary>
    public const int BadInputExitCode = 2;

    /// <summary>
    /// Exit code of a command that ran and failed: no runtime, unknown app id, an error answer.
    /// </summary>
    public const int FailedExitCode = 1;

    /// <summary>
    /// The process's exit code.
    /// </summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>
    /// The command line cannot work as given.
    /// </summary>
    public static CliException BadInput(string message) => new(message, BadInputExitCode);

    /// <summary>
    /// The command ran and did not succeed.
    /// </summary>
    public static CliException Failed(string message) => new(message, FailedExitCode);
}
