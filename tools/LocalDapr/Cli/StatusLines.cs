namespace DaprOrders.LocalDapr.Cli;

/// <summary>
/// The status lines of the dapr CLI's commands, so that output reads the same on both: success on stdout after
/// "✅  ", failure on stderr after "❌  " (dapr/cli pkg/print/print.go SuccessStatusEvent, FailureStatusEvent).
/// </summary>
public static class StatusLines
{
    /// <summary>
    /// A success line on stdout.
    /// </summary>
    public static Task SuccessAsync(string message) => Console.Out.WriteLineAsync($"✅  {message}");

    /// <summary>
    /// A failure line on stderr, as one line: line breaks in <paramref name="message"/> become spaces.
    /// </summary>
    public static Task FailureAsync(string message) =>
        Console.Error.WriteLineAsync($"❌  {string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))}");
}
