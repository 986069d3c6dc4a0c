using System.Text;
using Confluent.Kafka;
using DaprOrders.LocalDapr.PubSub;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprOrders.Loaders.Tests;

/// <summary>
/// `topic tail` against a real Kafka protocol endpoint: the local runtime's broker.
/// </summary>
public sealed class TopicTailTests
{
    private readonly LoadersHarness _loaders = new();

    [Fact]
    public async Task Tail_from_the_beginning_prints_each_record_with_its_cloud_event_data()
    {
        await using var kafka = KafkaCluster.Start(NullLogger.Instance);
        var topic = $"tail-{Guid.NewGuid():N}";
        await kafka.ProduceAsync(topic, Record("o-1", """{"specversion":"1.0","source":"orders","id":"1","data":{"id":"o-1","state":"CREATED"}}"""), TestContext.Current.CancellationToken);
        await kafka.ProduceAsync(topic, Record("o-1", """{"specversion":"1.0","source":"orders","id":"2","data":{"id":"o-1","state":"VALIDATED"}}"""), TestContext.Current.CancellationToken);

        var run = await _loaders.RunAsync("topic", "tail", "--topic", topic, "--from-beginning", "--count", "2", "--bootstrap-servers", kafka.BootstrapServers);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(2, run.OutLines.Length);
        // One key, so one partition, in order.
        var partition = run.OutLines[0][(topic.Length + 1)..run.OutLines[0].IndexOf('@', StringComparison.Ordinal)];
        Assert.Equal($$"""{{topic}}/{{partition}}@0 key=o-1 source=orders {"id":"o-1","state":"CREATED"}""", run.OutLines[0]);
        Assert.Equal($$"""{{topic}}/{{partition}}@1 key=o-1 source=orders {"id":"o-1","state":"VALIDATED"}""", run.OutLines[1]);
    }

    [Fact]
    public async Task Unreachable_kafka_is_named_without_a_stack_trace()
    {
        var port = LoadersHarness.ClosedPort();

        var run = await _loaders.RunAsync("topic", "tail", "--topic", "orders", "--bootstrap-servers", $"127.0.0.1:{port}", "--connect-timeout", "2");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"loaders: Cannot reach Kafka at 127.0.0.1:{port}: ", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    private static Message<byte[]?, byte[]?> Record(string key, string value) =>
        new() { Key = Encoding.UTF8.GetBytes(key), Value = Encoding.UTF8.GetBytes(value) };
}
