using System.Text;
using Confluent.Kafka;

namespace DaprOrders.Loaders.Tests;

/// librdkafka's in-process mock cluster, owned by this producer for the test's lifetime (see
/// /work/shared/README.md): real Kafka protocol on loopback, announced only in a log line.
internal sealed class MockKafka : IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> producer;

    private MockKafka(IProducer<byte[]?, byte[]?> producer, string bootstrapServers)
    {
        this.producer = producer;
        BootstrapServers = bootstrapServers;
    }

    public string BootstrapServers { get; }

    public static async Task<MockKafka> StartAsync()
    {
        var announced = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var config = new ProducerConfig { BootstrapServers = "127.0.0.1:9092", Acks = Acks.All };
        config.Set("test.mock.num.brokers", "1");
        var producer = new ProducerBuilder<byte[]?, byte[]?>(config)
            .SetLogHandler((_, message) =>
            {
                const string marker = "replaced with ";
                var at = message.Message.IndexOf(marker, StringComparison.Ordinal);
                if (at >= 0)
                {
                    announced.TrySetResult(message.Message[(at + marker.Length)..].Trim());
                }
            })
            .Build();
        var bootstrap = await announced.Task.WaitAsync(LoadersHarness.Timeout, TestContext.Current.CancellationToken);
        return new MockKafka(producer, bootstrap);
    }

    public Task ProduceAsync(string topic, string? key, string value) =>
        producer.ProduceAsync(
            topic,
            new Message<byte[]?, byte[]?> { Key = key is null ? null : Encoding.UTF8.GetBytes(key), Value = Encoding.UTF8.GetBytes(value) },
            TestContext.Current.CancellationToken);

    public void Dispose() => producer.Dispose();
}
