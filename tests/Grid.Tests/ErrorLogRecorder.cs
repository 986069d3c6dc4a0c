using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DaprOrders.Grid.Tests;

/// <summary>Keeps every exception logged at Error or above, to tell what an app's log says went wrong.</summary>
internal sealed class ErrorLogRecorder : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<Exception> _exceptions = new();

    public IReadOnlyCollection<Exception> Exceptions => _exceptions;

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel) && exception is not null)
        {
            _exceptions.Enqueue(exception);
        }
    }

    public void Dispose()
    {
    }
}
