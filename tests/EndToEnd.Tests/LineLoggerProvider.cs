using Microsoft.Extensions.Logging;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>Writes each log entry as one line (`localdapr info LocalDapr.PubSub: ...`) to a sink.</summary>
internal sealed class LineLoggerProvider(Action<string> sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new LineLogger(categoryName, sink);

    public void Dispose()
    {
    }

    private sealed class LineLogger(string category, Action<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink($"localdapr {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
    }
}
