using System.Collections.Concurrent;
using Dapr;
using Microsoft.Extensions.Options;

namespace DaprOrders.Email;

/// <summary>
/// The deadlines of the joins this instance wrote while they wait, so it can warn when one expires. In memory on
/// purpose: the state store forgets an expired join by itself (TTL), so a restart loses only the warning, never
/// bounds; and any event that touches an expired join warns about it too.
/// </summary>
internal sealed class ExpiryWatch
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _deadlines = new(StringComparer.Ordinal);

    public int Count => _deadlines.Count;

    public void Watch(string orderId, DateTimeOffset deadline) => _deadlines[orderId] = deadline;

    public void Forget(string orderId) => _deadlines.TryRemove(orderId, out _);

    public IReadOnlyList<string> DueAt(DateTimeOffset now) => [.. _deadlines.Where(d => d.Value <= now).Select(d => d.Key)];
}

/// <summary>Every <see cref="EmailOptions.SweepInterval"/>, expires the waiting joins past their deadline.</summary>
internal sealed class ExpirySweeper(OrderEmailJoin join, TimeProvider time, IOptions<EmailOptions> options, ILogger<ExpirySweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await join.ExpireDueAsync(stoppingToken);
            }
            catch (DaprException e)
            {
                // The sidecar may be briefly away; what is due now is still due at the next tick.
                logger.LogWarning(e, "Sweeping expired joins failed; trying again in {Interval}", options.Value.SweepInterval);
            }
        }
    }
}
