namespace DaprOrders.Loaders.Cli;

/// <summary>
/// A failure the user can act on (an endpoint that cannot be reached, a publish that was refused): the command
/// prints the message, without a stack trace, and exits with <see cref="ExitCodes.Failed"/>.
/// </summary>
internal sealed class LoaderException(string message, Exception? inner = null) : Exception(message, inner);
