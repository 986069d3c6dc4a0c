using DaprOrders.Loaders.Cli;
using static System.FormattableString;

namespace DaprOrders.Loaders.Orders;

/// <summary>
/// Counts of an `orders post` run, updated by concurrent requests, and the summary printed at its end.
/// </summary>
internal sealed class OrderLoadSummary(int planned, double targetRate)
{
    private readonly List<double> _latenciesMs = [];
    private int _sent;
    private int _accepted;
    private int _paid;
    private int _cancelled;
    private int _paymentsCancelled;
    private int _ordersFailed;
    private int _paymentsFailed;

    public int Sent => Volatile.Read(ref _sent);

    public int Accepted => Volatile.Read(ref _accepted);

    public int Paid => Volatile.Read(ref _paid);

    public FailureTally Failures { get; } = new();

    public TimeSpan Elapsed { get; set; }

    /// <summary>
    /// Why the run stopped early: an endpoint that cannot be reached.
    /// </summary>
    public string? AbortedBecause { get; private set; }

    public bool Interrupted { get; set; }

    public int OrdersFailed => Volatile.Read(ref _ordersFailed);

    public int PaymentsFailed => Volatile.Read(ref _paymentsFailed);

    /// <summary>
    /// Orders sent whose POST has not been answered (nor given up).
    /// </summary>
    public int InFlight => Sent - Accepted - OrdersFailed - Volatile.Read(ref _cancelled);

    /// <summary>
    /// When the first and the latest order went out (the send loop alone sets them).
    /// </summary>
    private TimeSpan _firstSentAt;
    private TimeSpan _lastSentAt;

    public void OrderSent(TimeSpan at)
    {
        if (Interlocked.Increment(ref _sent) == 1)
        {
            _firstSentAt = at;
        }

        _lastSentAt = at;
    }

    /// <summary>
    /// The rate orders actually went out at: sends after the first per second between first and last send.
    /// On schedule this is the target; when max-in-flight held sending back, it is lower.
    /// </summary>
    private string SendRate => Sent >= 2 && _lastSentAt > _firstSentAt
        ? Invariant($"{(Sent - 1) / (_lastSentAt - _firstSentAt).TotalSeconds:0.0}/s")
        : "-/s";

    public void OrderAnswered(bool wasAccepted, string? failure, TimeSpan latency)
    {
        lock (_latenciesMs)
        {
            _latenciesMs.Add(latency.TotalMilliseconds);
        }

        if (wasAccepted)
        {
            Interlocked.Increment(ref _accepted);
        }
        else
        {
            OrderFailed(failure!);
        }
    }

    /// <summary>
    /// An order that got no answer at all (its endpoint could not be reached).
    /// </summary>
    public void OrderFailed(string failure)
    {
        Interlocked.Increment(ref _ordersFailed);
        Failures.Add("order", failure);
    }

    public void PaymentAnswered(string? failure)
    {
        if (failure is null)
        {
            Interlocked.Increment(ref _paid);
        }
        else
        {
            Interlocked.Increment(ref _paymentsFailed);
            Failures.Add("payment", failure);
        }
    }

    /// <summary>
    /// A POST that was under way when the run stopped: its outcome is unknown.
    /// </summary>
    public void OrderCancelled() => Interlocked.Increment(ref _cancelled);

    /// <summary>
    /// A payment publish that was under way when the run stopped.
    /// </summary>
    public void PaymentCancelled() => Interlocked.Increment(ref _paymentsCancelled);

    public void Abort(string reason)
    {
        lock (_latenciesMs)
        {
            AbortedBecause ??= reason;
        }
    }

    public int ExitCode => Interrupted ? ExitCodes.Interrupted
        : AbortedBecause is not null || Failures.Total > 0 ? ExitCodes.Failed
        : ExitCodes.Ok;

    public string ProgressLine(TimeSpan elapsed) => Invariant(
        $"orders: {Sent}/{planned} sent, {Accepted} accepted, {Paid} paid, {Failures.Total} failed, {InFlight} in flight, {RunText.Rate(Sent, elapsed.TotalSeconds)}, {elapsed.TotalSeconds:0} s");

    public IEnumerable<string> SummaryLines(OrderPlan plan)
    {
        var seconds = Elapsed.TotalSeconds;
        var state = Interrupted ? " (interrupted)" : AbortedBecause is not null ? " (stopped early)" : "";
        yield return Invariant($"orders post{state}: {Sent} of {planned} orders sent at {SendRate} (target {targetRate:0.###}/s), done after {seconds:0.0} s");
        yield return Invariant($"  orders:   {Accepted} accepted, {OrdersFailed} failed, {Volatile.Read(ref _cancelled)} cancelled");
        yield return Invariant($"  payments: {Paid} published, {PaymentsFailed} failed, {Volatile.Read(ref _paymentsCancelled)} cancelled");
        if (Percentiles() is { } p)
        {
            yield return Invariant($"  POST /v1/orders latency: p50 {p.P50:0.0} ms, p95 {p.P95:0.0} ms, p99 {p.P99:0.0} ms, max {p.Max:0.0} ms");
        }

        if (Sent > 0)
        {
            yield return $"  order ids: {plan.OrderAt(0).Id} .. {plan.OrderAt(Sent - 1).Id}";
        }

        if (Failures.Total > 0)
        {
            yield return "  failures:";
            foreach (var line in Failures.Lines())
            {
                yield return "  " + line;
            }
        }

        if (AbortedBecause is not null)
        {
            yield return $"  stopped: {AbortedBecause}";
        }
    }

    private LatencySummary? Percentiles()
    {
        lock (_latenciesMs)
        {
            return LatencySummary.Of(_latenciesMs);
        }
    }
}
