using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace DaprOrders.TestDoubles;

/// <summary>One log entry as the app wrote it: its level, its formatted message and the exception passed with it.</summary>
public sealed record LogEntry(LogLevel Level, string Message, Exception? Exception);

/// <summary>Keeps every log entry of every category, in order, for assertions.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly Lock _sync = new();
    private readonly List<LogEntry> _entries = [];
    private readonly Channel<string> _warnings = Channel.CreateUnbounded<string>();

    /// <summary>What was logged so far, in order.</summary>
    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_sync)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>The messages of the entries of level Warning and above, in order.</summary>
    public IReadOnlyList<string> Warnings => [.. Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Message)];

    /// <summary>Waits for the next warning (or worse) that contains <paramref name="text"/>, instead of sleeping.</summary>
    public async Task<string> NextWarningAsync(string text, CancellationToken cancellationToken)
    {
        while (true)
        {
            var warning = await _warnings.Reader.ReadAsync(cancellationToken);
            if (warning.Contains(text, StringComparison.Ordinal))
            {
                return warning;
            }
        }
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Recorder(this);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        lock (_sync)
        {
            _entries.Add(entry);
        }

        if (entry.Level >= LogLevel.Warning)
        {
            _warnings.Writer.TryWrite(entry.Message);
        }
    }

    private sealed class Recorder(RecordingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Add(new LogEntry(logLevel, formatter(state, exception), exception));
            }
        }
    }
}
