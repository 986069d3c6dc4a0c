namespace DaprOrders.Loaders.Cli;

/// <summary>
/// Writes a progress line at most once per interval (measured on the injected clock); zero turns it off.
/// </summary>
internal sealed class ProgressReporter
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly TextWriter _output;
    private readonly long _start;
    private readonly Lock _gate = new();
    private TimeSpan _next;

    public ProgressReporter(TimeProvider time, TimeSpan interval, TextWriter output)
    {
        _time = time;
        _interval = interval;
        _output = output;
        _start = time.GetTimestamp();
        _next = interval;
    }

    public TimeSpan Elapsed => _time.GetElapsedTime(_start);

    public void Tick(Func<TimeSpan, string> line)
    {
        if (_interval <= TimeSpan.Zero)
        {
            return;
        }

        lock (_gate)
        {
            var elapsed = Elapsed;
            if (elapsed < _next)
            {
                return;
            }

            _output.WriteLine(line(elapsed));
            _next = elapsed + _interval;
        }
    }
}
