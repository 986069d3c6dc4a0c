using Confluent.Kafka;

namespace DaprOrders.LocalDapr.PubSub;

/// <summary>
/// The runtime's Kafka broker: librdkafka's in-process mock cluster, which speaks the real Kafka protocol on
/// loopback. The client that sets `test.mock.num.brokers` owns the cluster for its lifetime, so that client is
/// also the producer every pub/sub component publishes through; consumers and outside tools (kcat, Confluent.Kafka)
/// connect with <see cref="BootstrapServers"/>, which librdkafka announces only in a log line.
/// </summary>
public sealed class KafkaCluster : IDisposable
{
    /// <summary>
    /// Partitions of topics the runtime creates: the mock cluster's default for auto-created topics.
    /// </summary>
    public const int Partitions = 4;

    private const string MockClusterLogPrefix = "replaced with ";

    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly IAdminClient _admin;
    private readonly HashSet<string> _knownTopics = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _topicGate = new(1, 1);

    private KafkaCluster(IProducer<byte[]?, byte[]?> producer, string bootstrapServers)
    {
        _producer = producer;
        BootstrapServers = bootstrapServers;
        _admin = new DependentAdminClientBuilder(producer.Handle).Build();
    }

    /// <summary>
    /// `127.0.0.1:PORT,127.0.0.1:PORT,...` of the mock brokers.
    /// </summary>
    public string BootstrapServers { get; }

    public static KafkaCluster Start(int brokers, ILogger logger)
    {
        var announced = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var config = new ProducerConfig
        {
            BootstrapServers = "127.0.0.1:9092",
            Acks = Acks.All,
            LingerMs = 0,
            // Keys hash to partitions (murmur2, as the Java client): every record of one key lands in one partition.
            Partitioner = Partitioner.Murmur2Random,
        };
        config.Set("test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var producer = new ProducerBuilder<byte[]?, byte[]?>(config)
            .SetLogHandler((_, message) =>
            {
                var at = message.Message.IndexOf(MockClusterLogPrefix, StringComparison.Ordinal);
                if (at >= 0)
                {
                    announced.TrySetResult(message.Message[(at + MockClusterLogPrefix.Length)..].Trim());
                }
                else if (message.Level <= SyslogLevel.Warning)
                {
                    logger.LogDebug("librdkafka: {Message}", message.Message);
                }
            })
            .Build();

        if (!announced.Task.Wait(TimeSpan.FromSeconds(30)))
        {
            producer.Dispose();
            throw new InvalidOperationException("librdkafka did not announce the mock cluster's bootstrap servers.");
        }

        return new KafkaCluster(producer, announced.Task.Result);
    }

    /// <summary>
    /// Makes sure the topic exists, as the broker's auto-creation does on first use (the mock cluster creates it
    /// with <see cref="Partitions"/> partitions when asked for its metadata; it does not serve CreateTopics). Done
    /// before subscribing so a consumer is assigned partitions at once, not after its next metadata refresh.
    /// </summary>
    public async Task EnsureTopicAsync(string topic, CancellationToken cancellationToken)
    {
        await _topicGate.WaitAsync(cancellationToken);
        try
        {
            if (_knownTopics.Contains(topic))
            {
                return;
            }

            var metadata = await Task.Run(() => _admin.GetMetadata(topic, TimeSpan.FromSeconds(10)), cancellationToken);
            var error = metadata.Topics.FirstOrDefault(t => t.Topic == topic)?.Error;
            if (error is { IsError: true })
            {
                throw new KafkaException(error);
            }

            _knownTopics.Add(topic);
        }
        finally
        {
            _topicGate.Release();
        }
    }

    public async Task<DeliveryResult<byte[]?, byte[]?>> ProduceAsync(string topic, Message<byte[]?, byte[]?> message, CancellationToken cancellationToken)
    {
        await EnsureTopicAsync(topic, cancellationToken);
        return await _producer.ProduceAsync(topic, message, cancellationToken);
    }

    public void Dispose()
    {
        _admin.Dispose();
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
        _topicGate.Dispose();
    }
}
