using DaprOrders.Contracts;
using DaprOrders.Loaders.Cli;
using DaprOrders.Loaders.Http;

namespace DaprOrders.Loaders.Orders;

internal sealed record OrderLoadOptions(int Count, double Rate, int MaxInFlight, bool Payments, TimeSpan ProgressInterval);

/// <summary>
/// Posts orders at a fixed rate (open loop: order i is due at i / rate after the start, however long earlier
/// ones take), each followed by its payment once the API accepted it. At most MaxInFlight orders are under way;
/// when that many are waiting, sending pauses and the achieved rate drops (the summary shows it). An endpoint
/// that cannot be reached stops the run; refusals are counted by reason and the run goes on.
/// </summary>
internal sealed class OrderLoad(OrdersApiClient api, DaprPublisher publisher, TimeProvider time, TextWriter progressOutput)
{
    public async Task<OrderLoadSummary> RunAsync(OrderPlan plan, OrderLoadOptions options, CancellationToken cancellationToken)
    {
        var summary = new OrderLoadSummary(options.Count, options.Rate);
        var progress = new ProgressReporter(time, options.ProgressInterval, progressOutput);
        var start = time.GetTimestamp();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(options.MaxInFlight);
        var running = new List<Task>();
        try
        {
            for (var i = 0; i < options.Count; i++)
            {
                // A free slot first, then the order's turn: it goes out at whichever comes later.
                await slots.WaitAsync(stop.Token);
                var wait = TimeSpan.FromSeconds(i / options.Rate) - time.GetElapsedTime(start);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stop.Token);
                }

                summary.OrderSent(time.GetElapsedTime(start));
                // On the thread pool, so whatever a request does before its first real wait (the first call's
                // connection set-up, say) never delays the next order's turn.
                var order = plan.OrderAt(i);
                running.Add(Task.Run(() => SendAsync(plan, order, options.Payments, summary, slots, stop), CancellationToken.None));
                progress.Tick(summary.ProgressLine);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Interrupted or aborted: what is under way finishes (or is cancelled) below, then the summary.
        }

        await Task.WhenAll(running);
        summary.Elapsed = time.GetElapsedTime(start);
        summary.Interrupted = cancellationToken.IsCancellationRequested;
        return summary;
    }

    /// <summary>
    /// Never throws: every outcome lands in the summary.
    /// </summary>
    private async Task SendAsync(OrderPlan plan, Order order, bool payments, OrderLoadSummary summary, SemaphoreSlim slots, CancellationTokenSource stop)
    {
        var paying = false;
        try
        {
            var sent = time.GetTimestamp();
            var posted = await api.PostAsync(order, stop.Token);
            summary.OrderAnswered(posted.Succeeded, posted.Failure, time.GetElapsedTime(sent));
            if (posted.Succeeded && payments)
            {
                paying = true;
                var published = await publisher.PublishAsync(Topics.Payments, order.Id, plan.PaymentFor(order), stop.Token);
                summary.PaymentAnswered(published.Failure);
            }
        }
        catch (LoaderException e)
        {
            if (paying)
            {
                summary.PaymentAnswered(e.Message);
            }
            else
            {
                summary.OrderFailed(e.Message);
            }

            summary.Abort(e.Message);
            await stop.CancelAsync();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            if (paying)
            {
                summary.PaymentCancelled();
            }
            else
            {
                summary.OrderCancelled();
            }
        }
        finally
        {
            slots.Release();
        }
    }
}
