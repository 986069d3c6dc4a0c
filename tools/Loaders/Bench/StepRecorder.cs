using DaprOrders.Contracts;
using DaprOrders.Loaders.Cli;

namespace DaprOrders.Loaders.Bench;

/// <summary>
/// What the orders of one step's measured window did, recorded by concurrent trips: latencies, verdicts and
/// failures by reason. A FAILED verdict is a decided order (the checks ran and said no), not a failure.
/// </summary>
internal sealed class StepRecorder
{
    private readonly Lock _gate = new();
    private readonly List<double> _postMs = [];
    private readonly List<double> _verdictMs = [];
    private int _validated;
    private int _failedVerdicts;
    private int _started;

    public FailureTally Failures { get; } = new();

    public int Started => Volatile.Read(ref _started);

    public int Validated => Volatile.Read(ref _validated);

    public int FailedVerdicts => Volatile.Read(ref _failedVerdicts);

    public int Decided => Validated + FailedVerdicts;

    public void OrderStarted() => Interlocked.Increment(ref _started);

    public void OrderPosted(TimeSpan latency)
    {
        lock (_gate)
        {
            _postMs.Add(latency.TotalMilliseconds);
        }
    }

    public void OrderDecided(OrderState verdict, TimeSpan sincePost)
    {
        lock (_gate)
        {
            _verdictMs.Add(sincePost.TotalMilliseconds);
        }

        Interlocked.Increment(ref verdict == OrderState.Validated ? ref _validated : ref _failedVerdicts);
    }

    public LatencySummary? PostLatency()
    {
        lock (_gate)
        {
            return LatencySummary.Of(_postMs);
        }
    }

    public LatencySummary? VerdictLatency()
    {
        lock (_gate)
        {
            return LatencySummary.Of(_verdictMs);
        }
    }
}
