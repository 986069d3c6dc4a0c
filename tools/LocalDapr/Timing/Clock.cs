namespace DaprOrders.LocalDapr.Timing;

/// <summary>
/// Waits for points in time on a <see cref="TimeProvider"/>, in slices short enough for Task.Delay.
/// </summary>
public static class Clock
{
    private static readonly TimeSpan LongestWait = TimeSpan.FromHours(12);

    public static async Task WaitUntilAsync(TimeProvider time, DateTimeOffset due, CancellationToken cancellationToken)
    {
        while (due - time.GetUtcNow() is var wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait < LongestWait ? wait : LongestWait, time, cancellationToken);
        }
    }
}
