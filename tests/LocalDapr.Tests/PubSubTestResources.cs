using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DaprOrders.LocalDapr.PubSub;
using static DaprOrders.LocalDapr.TestApp.PubSubTestTopics;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// Components for the pub/sub tests, and helpers; topic and component names are the TestApp's own
/// (PubSubTestTopics, linked from tests/LocalDapr.TestApp).
/// </summary>
public static class PubSubTestResources
{
    /// <summary>
    /// pubsub.kafka reading from the oldest offset, with a short consume-retry back-off and short group timeouts (a
    /// rebalance within a second) to keep tests fast.
    /// </summary>
    public static (string File, string Yaml) Kafka(string extraMetadata = "", string name = PubSubName) => ($"{name}.yaml", $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        spec:
          type: pubsub.kafka
          version: v1
          metadata:
            - name: brokers
              value: "localhost:9092"
            - name: initialOffset
              value: oldest
            - name: backOffDuration
              value: 50ms
            - name: heartbeatInterval
              value: 500ms
            - name: sessionTimeout
              value: 6s
        {extraMetadata}
        """);

    /// <summary>
    /// One group per instance starting at the newest offset: every instance sees every later message.
    /// </summary>
    public static (string File, string Yaml) Broadcasting => ($"{BroadcastPubSub}.yaml", $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {BroadcastPubSub}
        spec:
          type: pubsub.kafka
          version: v1
          metadata:
            - name: brokers
              value: "localhost:9092"
            - name: consumerID
              value: "{"{uuid}"}"
            - name: initialOffset
              value: newest
            - name: heartbeatInterval
              value: 500ms
            - name: sessionTimeout
              value: 6s
        """);

    /// <summary>
    /// Inbound deliveries of `pubsub` retried twice, 20 ms apart, before the dead-letter topic.
    /// </summary>
    public static (string File, string Yaml) DeliveryResiliency => ("resiliency.yaml", """
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: test-resiliency
        spec:
          policies:
            retries:
              twice:
                policy: constant
                duration: 20ms
                maxRetries: 2
          targets:
            components:
              pubsub:
                inbound:
                  retry: twice
        """);

    /// <summary>
    /// What an app recorded so far in a stream (no waiting).
    /// </summary>
    public static async Task<IReadOnlyList<JsonNode?>> SnapshotAsync(TestApp app, string stream)
    {
        using var response = await app.Http.GetAsync(new Uri($"test/recorded/{stream}?count={int.MaxValue}&timeout=0", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.RequestTimeout, $"recorded/{stream}: {response.StatusCode}");
        return await response.Content.ReadFromJsonAsync<List<JsonNode?>>(TestContext.Current.CancellationToken) ?? [];
    }

    /// <summary>
    /// Polls several apps until together they recorded <paramref name="count"/> entries in a stream: nothing else
    /// tells when messages split over instances have all arrived.
    /// </summary>
    public static async Task<IReadOnlyList<IReadOnlyList<JsonNode?>>> WaitForTotalAsync(IReadOnlyList<TestApp> apps, string stream, int count)
    {
        var deadline = DateTime.UtcNow + TestRuntime.Timeout;
        while (true)
        {
            var snapshots = new List<IReadOnlyList<JsonNode?>>();
            foreach (var app in apps)
            {
                snapshots.Add(await SnapshotAsync(app, stream));
            }

            var total = snapshots.Sum(s => s.Count);
            if (total >= count || DateTime.UtcNow > deadline)
            {
                Assert.True(total >= count, $"The apps recorded {total} of {count} entries in '{stream}'.");
                return snapshots;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public static PubSubFeature PubSubOf(TestRuntime runtime) => runtime.Runtime.Features.OfType<PubSubFeature>().Single();
}
