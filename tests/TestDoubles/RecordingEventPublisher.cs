using System.Threading.Channels;
using DaprOrders.ServiceDefaults.Publishing;

namespace DaprOrders.TestDoubles;

/// <summary>One publish call as the fake saw it.</summary>
public sealed record PublishedEvent(string Topic, string Key, object Message);

/// <summary>
/// Records what would have been published. <see cref="FailNext"/> makes the next publishes throw (a broker or
/// sidecar outage); <see cref="NextAsync"/> awaits the next publish instead of sleeping.
/// </summary>
public sealed class RecordingEventPublisher : IEventPublisher
{
    private readonly Lock _sync = new();
    private readonly List<PublishedEvent> _published = [];
    private readonly Channel<PublishedEvent> _stream = Channel.CreateUnbounded<PublishedEvent>();
    private int _failuresToInject;

    public IReadOnlyList<PublishedEvent> Published
    {
        get
        {
            lock (_sync)
            {
                return [.. _published];
            }
        }
    }

    /// <summary>The messages published to <paramref name="topic"/> of type <typeparamref name="T"/>, in order.</summary>
    public IReadOnlyList<T> On<T>(string topic) =>
        [.. Published.Where(p => p.Topic == topic).Select(p => p.Message).OfType<T>()];

    /// <summary>The next <paramref name="count"/> publish calls throw.</summary>
    public void FailNext(int count = 1) => Interlocked.Exchange(ref _failuresToInject, count);

    public Task PublishAsync<T>(string topic, string key, T message, CancellationToken cancellationToken)
        where T : notnull
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.Decrement(ref _failuresToInject) >= 0)
        {
            throw new InvalidOperationException($"Injected publish failure on {topic} for {key}.");
        }

        Interlocked.Exchange(ref _failuresToInject, 0);
        var published = new PublishedEvent(topic, key, message);
        lock (_sync)
        {
            _published.Add(published);
        }

        _stream.Writer.TryWrite(published);
        return Task.CompletedTask;
    }

    /// <summary>Waits for the next publish (in order of arrival), failing the test token cancels.</summary>
    public async Task<PublishedEvent> NextAsync(CancellationToken cancellationToken) =>
        await _stream.Reader.ReadAsync(cancellationToken);
}
