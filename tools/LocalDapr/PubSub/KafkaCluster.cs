using Confluent.Kafka;
using DaprOrders.LocalDapr.PubSub.Kafka;

namespace DaprOrders.LocalDapr.PubSub;

/// <summary>
/// The runtime's Kafka: its in-process <see cref="KafkaBroker"/> on loopback, and the producer every pub/sub
/// component publishes through. Consumers and outside tools (kcat, Confluent.Kafka) connect with
/// <see cref="BootstrapServers"/>.
/// </summary>
public sealed class KafkaCluster : IAsyncDisposable
{
    private readonly KafkaBroker _broker;
    private readonly IProducer<byte[]?, byte[]?> _producer;

    private KafkaCluster(KafkaBroker broker, IProducer<byte[]?, byte[]?> producer)
    {
        _broker = broker;
        _producer = producer;
    }

    /// <summary>`127.0.0.1:PORT` of the broker.</summary>
    public string BootstrapServers => _broker.BootstrapServers;

    public static KafkaCluster Start(ILogger logger)
    {
        var broker = KafkaBroker.Start(TimeProvider.System, logger);
        var config = new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            Acks = Acks.All,
            LingerMs = 0,
            // Keys hash to partitions (murmur2, as the Java client): every record of one key lands in one partition.
            Partitioner = Partitioner.Murmur2Random,
        };
        var producer = new ProducerBuilder<byte[]?, byte[]?>(config)
            .SetLogHandler((_, message) => logger.LogDebug("librdkafka: {Message}", message.Message))
            .Build();
        return new KafkaCluster(broker, producer);
    }

    /// <summary>
    /// Makes sure the topic exists, as the broker's auto-creation does on first use. Done before subscribing so a
    /// consumer is assigned partitions at once, not after its next metadata refresh.
    /// </summary>
    public void EnsureTopic(string topic)
    {
        if (!_broker.EnsureTopic(topic))
        {
            throw new KafkaException(ErrorCode.TopicException);
        }
    }

    public Task<DeliveryResult<byte[]?, byte[]?>> ProduceAsync(string topic, Message<byte[]?, byte[]?> message, CancellationToken cancellationToken)
    {
        EnsureTopic(topic);
        return _producer.ProduceAsync(topic, message, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
        await _broker.DisposeAsync();
    }
}
