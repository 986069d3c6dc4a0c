using DaprOrders.Loaders.Bench.Processes;

namespace DaprOrders.Loaders.Bench;

/// <summary>
/// A step's measured window. It opens once the warm-up has passed and the step's first order has ended (decided
/// or failed): a cold system's first order (JIT, connections, the first workflow) can take seconds, and orders
/// sent before anything came back measure start-up, not the system. It closes the duration after it opened.
/// The processes are sampled as it opens.
/// </summary>
internal sealed class MeasuredWindow(TimeProvider time, TimeSpan duration)
{
    private const long NotOpen = long.MaxValue;

    private readonly TaskCompletionSource _firstOrderEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _openedAt = NotOpen;

    public long OpenedAt => Interlocked.Read(ref _openedAt);

    public IReadOnlyList<ProcessSample> SamplesAtOpening { get; private set; } = [];

    public void OrderEnded() => _firstOrderEnded.TrySetResult();

    /// <summary>
    /// Whether an order sent at <paramref name="timestamp"/> is measured.
    /// </summary>
    public bool Contains(long timestamp) => OpenedAt is var from && from != NotOpen && timestamp >= from && timestamp < ClosesAt(from);

    public bool HasClosed(long timestamp) => OpenedAt is var from && from != NotOpen && timestamp >= ClosesAt(from);

    /// <summary>
    /// When the window closes; long.MaxValue while it is not open.
    /// </summary>
    public long ClosesAt() => OpenedAt is var from && from != NotOpen ? ClosesAt(from) : NotOpen;

    public async Task OpenAsync(TimeSpan warmup, ProcessMeter? meter, CancellationToken cancellationToken)
    {
        if (warmup > TimeSpan.Zero)
        {
            await Task.Delay(warmup, time, cancellationToken);
        }

        await _firstOrderEnded.Task.WaitAsync(cancellationToken);
        SamplesAtOpening = meter?.Sample() ?? [];
        Interlocked.Exchange(ref _openedAt, time.GetTimestamp());
    }

    private long ClosesAt(long from) => from + (long)(duration.TotalSeconds * time.TimestampFrequency);
}
