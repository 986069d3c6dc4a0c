using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace DaprOrders.Email.Tests;

/// <summary>Keeps every log entry of level Warning and above, formatted, for assertions.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly Lock _sync = new();
    private readonly List<string> _warnings = [];
    private readonly Channel<string> _stream = Channel.CreateUnbounded<string>();

    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_sync)
            {
                return [.. _warnings];
            }
        }
    }

    /// <summary>Waits for the next warning that contains <paramref name="text"/>, instead of sleeping.</summary>
    public async Task<string> NextWarningAsync(string text, CancellationToken cancellationToken)
    {
        while (true)
        {
            var warning = await _stream.Reader.ReadAsync(cancellationToken);
            if (warning.Contains(text, StringComparison.Ordinal))
            {
                return warning;
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Recorder(this);

    public void Dispose()
    {
    }

    private void Add(string message)
    {
        lock (_sync)
        {
            _warnings.Add(message);
        }

        _stream.Writer.TryWrite(message);
    }

    private sealed class Recorder(RecordingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Add(formatter(state, exception));
            }
        }
    }
}
