using DaprOrders.Contracts;
using DaprOrders.Loaders.Bench.Processes;
using DaprOrders.Loaders.Cli;
using DaprOrders.Loaders.Http;
using DaprOrders.Loaders.Orders;
using static System.FormattableString;

namespace DaprOrders.Loaders.Bench;

internal sealed record BenchTiming(TimeSpan Warmup, TimeSpan Duration);

/// <summary>
/// Runs one step: the load for the warm-up (not recorded), then for the measured duration, then waits for the
/// orders sent in the measured window to be decided. Each order is a trip: POST it, then long-poll its verdict
/// (`/validated`, asked again on 202) and, with payments on, publish its payment beside the long poll.
/// An endpoint that cannot be reached stops the whole run (a <see cref="LoaderException"/>).
/// </summary>
internal sealed class BenchRunner(
    OrdersApiClient api, DaprPublisher? payments, OrderPlan plan, ProcessMeter? meter, TimeProvider time, TextWriter progressOutput, TimeSpan progressInterval)
{
    /// <summary>
    /// The longest the orders API holds a verdict long poll (Orders:MaxWait).
    /// </summary>
    public static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(60);

    /// <summary>
    /// An order still undecided this long after its POST counts as a failure ("no verdict").
    /// </summary>
    public static readonly TimeSpan MaxVerdictWait = TimeSpan.FromMinutes(2);

    private int _nextOrder;

    public async Task<StepResult> RunAsync(LoadShape shape, BenchTiming timing, CancellationToken cancellationToken)
    {
        var recorder = new StepRecorder();
        var progress = new ProgressReporter(time, progressInterval, progressOutput);
        var window = new MeasuredWindow(time, timing.Duration);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var opening = window.OpenAsync(timing.Warmup, meter, stop.Token);
        var load = shape switch
        {
            ClosedLoop closed => ClosedLoopAsync(closed.InFlight, window, recorder, progress, shape, stop),
            OpenLoop open => OpenLoopAsync(open.Rate, window, recorder, progress, shape, stop),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
        try
        {
            await load;
        }
        finally
        {
            // A load that stopped early (an unreachable endpoint) leaves the window unopened: do not wait for it.
            await stop.CancelAsync();
        }

        await opening;
        var seconds = time.GetElapsedTime(window.OpenedAt).TotalSeconds;
        var afterSamples = meter?.Sample() ?? [];
        return Result(shape, recorder, seconds, window.SamplesAtOpening, afterSamples);
    }

    /// <summary>
    /// Waits <paramref name="settle"/> with no load (so that what the last step left running is done), then measures
    /// the processes over <paramref name="duration"/>, still with no load.
    /// </summary>
    public async Task<IdleResult> MeasureIdleAsync(ProcessMeter processes, TimeSpan settle, TimeSpan duration, CancellationToken cancellationToken)
    {
        await Task.Delay(settle, time, cancellationToken);
        var before = processes.Sample();
        var start = time.GetTimestamp();
        await Task.Delay(duration, time, cancellationToken);
        var after = processes.Sample();
        var seconds = time.GetElapsedTime(start).TotalSeconds;
        var usage = Usage(before, after);
        return new IdleResult(settle.TotalSeconds, seconds, usage, seconds > 0 ? 100 * usage.Sum(u => u.CpuSeconds) / seconds : 0);
    }

    private async Task ClosedLoopAsync(
        int inFlight, MeasuredWindow window, StepRecorder recorder, ProgressReporter progress, LoadShape shape, CancellationTokenSource stop)
    {
        // Each worker has one order under way at a time: when it is decided, the next one goes.
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
        {
            while (time.GetTimestamp() is var sentAt && !window.HasClosed(sentAt) && !stop.IsCancellationRequested)
            {
                await TripAsync(sentAt, window.Contains(sentAt) ? recorder : null, window, stop);
                progress.Tick(elapsed => ProgressLine(shape, recorder, elapsed));
            }
        }, CancellationToken.None)));
    }

    private async Task OpenLoopAsync(
        double rate, MeasuredWindow window, StepRecorder recorder, ProgressReporter progress, LoadShape shape, CancellationTokenSource stop)
    {
        var start = time.GetTimestamp();
        var trips = new List<Task>();
        try
        {
            for (var i = 0L; ; i++)
            {
                // Order i is due at i / rate; its latencies count from then, not from when it actually went out,
                // so a client falling behind its schedule shows as latency instead of hiding it.
                var due = start + (long)(i / rate * time.TimestampFrequency);
                var wait = TimeSpan.FromSeconds((double)(due - time.GetTimestamp()) / time.TimestampFrequency);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stop.Token);
                }

                if (window.HasClosed(due))
                {
                    break;
                }

                var measured = window.Contains(due) ? recorder : null;
                trips.Add(Task.Run(() => TripAsync(due, measured, window, stop), CancellationToken.None));
                progress.Tick(elapsed => ProgressLine(shape, recorder, elapsed));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped: the trips under way end below.
        }

        await Task.WhenAll(trips);
    }

    /// <summary>
    /// One order from POST to verdict. <paramref name="recorder"/> is null during the warm-up. Failures are
    /// recorded by reason; an unreachable endpoint cancels the step and is rethrown.
    /// </summary>
    private async Task TripAsync(long sentAt, StepRecorder? recorder, MeasuredWindow window, CancellationTokenSource stop)
    {
        var order = plan.OrderAt(Interlocked.Increment(ref _nextOrder) - 1);
        recorder?.OrderStarted();
        try
        {
            var posted = await api.PostAsync(order, stop.Token);
            recorder?.OrderPosted(time.GetElapsedTime(sentAt));
            if (!posted.Succeeded)
            {
                recorder?.Failures.Add("POST", posted.Failure!);
                return;
            }

            var paid = payments is null ? Task.CompletedTask : PayAsync(order, recorder, stop.Token);
            await AwaitVerdictAsync(order, sentAt, recorder, stop.Token);
            await paid;
        }
        catch (LoaderException)
        {
            await stop.CancelAsync();
            throw;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Interrupted: neither a failure nor a decided order.
        }
        finally
        {
            window.OrderEnded();
        }
    }

    private async Task AwaitVerdictAsync(Order order, long sentAt, StepRecorder? recorder, CancellationToken cancellationToken)
    {
        while (true)
        {
            var answer = await api.GetVerdictAsync(order.Id, LongPoll, cancellationToken);
            if (answer.State is { } state)
            {
                recorder?.OrderDecided(state, time.GetElapsedTime(sentAt));
                return;
            }

            if (answer.Failure is { } failure)
            {
                recorder?.Failures.Add("verdict", failure);
                return;
            }

            if (time.GetElapsedTime(sentAt) >= MaxVerdictWait)
            {
                recorder?.Failures.Add("verdict", Invariant($"not decided within {MaxVerdictWait.TotalSeconds:0} s"));
                return;
            }
        }
    }

    private async Task PayAsync(Order order, StepRecorder? recorder, CancellationToken cancellationToken)
    {
        var published = await payments!.PublishAsync(Topics.Payments, order.Id, plan.PaymentFor(order), cancellationToken);
        if (!published.Succeeded)
        {
            recorder?.Failures.Add("payment", published.Failure!);
        }
    }

    private static string ProgressLine(LoadShape shape, StepRecorder recorder, TimeSpan elapsed) => Invariant(
        $"bench {shape.Label}: {elapsed.TotalSeconds:0} s, {recorder.Decided} decided, {recorder.Failures.Total} failed (measured window)");

    private static StepResult Result(LoadShape shape, StepRecorder recorder, double seconds, IReadOnlyList<ProcessSample> before, IReadOnlyList<ProcessSample> after)
    {
        var usage = Usage(before, after);
        var decided = recorder.Decided;
        return new StepResult(
            shape.Label,
            (shape as ClosedLoop)?.InFlight,
            (shape as OpenLoop)?.Rate,
            seconds,
            recorder.Started,
            decided,
            recorder.Validated,
            recorder.FailedVerdicts,
            recorder.Failures.Total,
            seconds > 0 ? decided / seconds : 0,
            recorder.PostLatency(),
            recorder.VerdictLatency(),
            [.. recorder.Failures.Counts().Select(c => new FailureCount(c.Key, c.Value))],
            usage,
            usage.Count > 0 && decided > 0 ? usage.Sum(u => u.CpuSeconds) * 1000 / decided : null);
    }

    private static List<ProcessUsage> Usage(IReadOnlyList<ProcessSample> before, IReadOnlyList<ProcessSample> after)
    {
        return [.. before.Zip(after, (b, a) => new ProcessUsage(
            a.Name, a.Pid, Math.Max(0, a.CpuSeconds - b.CpuSeconds), MiB(b.RssBytes), MiB(a.RssBytes), MiB(a.PeakRssBytes)))];

        static double MiB(long bytes) => bytes / 1024.0 / 1024.0;
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
}
