using DaprOrders.Loaders.Cli;
using static System.FormattableString;

namespace DaprOrders.Loaders.Orders;

/// Counts of an `orders post` run, updated by concurrent requests, and the summary printed at its end.
internal sealed class OrderLoadSummary(int planned, double targetRate)
{
    private readonly List<double> latenciesMs = [];
    private int sent;
    private int accepted;
    private int paid;
    private int cancelled;
    private int paymentsCancelled;
    private int ordersFailed;
    private int paymentsFailed;

    public int Sent => Volatile.Read(ref sent);

    public int Accepted => Volatile.Read(ref accepted);

    public int Paid => Volatile.Read(ref paid);

    public FailureTally Failures { get; } = new();

    public TimeSpan Elapsed { get; set; }

    /// Why the run stopped early: an endpoint that cannot be reached.
    public string? AbortedBecause { get; private set; }

    public bool Interrupted { get; set; }

    public int OrdersFailed => Volatile.Read(ref ordersFailed);

    public int PaymentsFailed => Volatile.Read(ref paymentsFailed);

    /// Orders sent whose POST has not been answered (nor given up).
    public int InFlight => Sent - Accepted - OrdersFailed - Volatile.Read(ref cancelled);

    /// When the first and the latest order went out (the send loop alone sets them).
    private TimeSpan firstSentAt;
    private TimeSpan lastSentAt;

    public void OrderSent(TimeSpan at)
    {
        if (Interlocked.Increment(ref sent) == 1)
        {
            firstSentAt = at;
        }

        lastSentAt = at;
    }

    /// The rate orders actually went out at: sends after the first per second between first and last send.
    /// On schedule this is the target; when max-in-flight held sending back, it is lower.
    private string SendRate => Sent >= 2 && lastSentAt > firstSentAt
        ? Invariant($"{(Sent - 1) / (lastSentAt - firstSentAt).TotalSeconds:0.0}/s")
        : "-/s";

    public void OrderAnswered(bool wasAccepted, string? failure, TimeSpan latency)
    {
        lock (latenciesMs)
        {
            latenciesMs.Add(latency.TotalMilliseconds);
        }

        if (wasAccepted)
        {
            Interlocked.Increment(ref accepted);
        }
        else
        {
            OrderFailed(failure!);
        }
    }

    /// An order that got no answer at all (its endpoint could not be reached).
    public void OrderFailed(string failure)
    {
        Interlocked.Increment(ref ordersFailed);
        Failures.Add("order", failure);
    }

    public void PaymentAnswered(string? failure)
    {
        if (failure is null)
        {
            Interlocked.Increment(ref paid);
        }
        else
        {
            Interlocked.Increment(ref paymentsFailed);
            Failures.Add("payment", failure);
        }
    }

    /// A POST that was under way when the run stopped: its outcome is unknown.
    public void OrderCancelled() => Interlocked.Increment(ref cancelled);

    /// A payment publish that was under way when the run stopped.
    public void PaymentCancelled() => Interlocked.Increment(ref paymentsCancelled);

    public void Abort(string reason)
    {
        lock (latenciesMs)
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
        yield return Invariant($"  orders:   {Accepted} accepted, {OrdersFailed} failed, {Volatile.Read(ref cancelled)} cancelled");
        yield return Invariant($"  payments: {Paid} published, {PaymentsFailed} failed, {Volatile.Read(ref paymentsCancelled)} cancelled");
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

    private (double P50, double P95, double P99, double Max)? Percentiles()
    {
        double[] sorted;
        lock (latenciesMs)
        {
            sorted = [.. latenciesMs.Order()];
        }

        return sorted.Length == 0 ? null : (Rank(sorted, 0.50), Rank(sorted, 0.95), Rank(sorted, 0.99), sorted[^1]);

        // Nearest rank: the smallest value with at least p of all values at or below it.
        static double Rank(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
