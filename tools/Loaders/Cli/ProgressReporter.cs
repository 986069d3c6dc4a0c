namespace DaprOrders.Loaders.Cli;

/// Writes a progress line at most once per interval (measured on the injected clock); zero turns it off.
internal sealed class ProgressReporter
{
    private readonly TimeProvider time;
    private readonly TimeSpan interval;
    private readonly TextWriter output;
    private readonly long start;
    private readonly Lock gate = new();
    private TimeSpan next;

    public ProgressReporter(TimeProvider time, TimeSpan interval, TextWriter output)
    {
        this.time = time;
        this.interval = interval;
        this.output = output;
        start = time.GetTimestamp();
        next = interval;
    }

    public TimeSpan Elapsed => time.GetElapsedTime(start);

    public void Tick(Func<TimeSpan, string> line)
    {
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        lock (gate)
        {
            var elapsed = Elapsed;
            if (elapsed < next)
            {
                return;
            }

            output.WriteLine(line(elapsed));
            next = elapsed + interval;
        }
    }
}
