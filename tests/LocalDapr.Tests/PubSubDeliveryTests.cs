using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static DaprOrders.LocalDapr.TestApp.PubSubTestTopics;
using static DaprOrders.LocalDapr.Tests.PubSubTestResources;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// How the runtime hands messages to the TestApp: order, app answers, retries, dead-letter, routing and scopes.
/// </summary>
public sealed class PubSubDeliveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed record Sequenced(string Key, int Seq);

    public sealed record Instruction(string Id, string Action, int? Failures = null);

    public sealed record Sized(string Id, int Size, string Kind);

    private static Dictionary<string, string> KeyedBy(string key) => new() { ["partitionKey"] = key };

    [Fact]
    public async Task Messages_of_one_key_arrive_in_publish_order_under_load()
    {
        const int keys = 4;
        const int perKey = 200;
        await using var runtime = await TestRuntime.StartAsync(Kafka());
        using var app = await runtime.StartTestAppAsync("ordered-app");
        using var dapr = TestRuntime.ClientFor(app.Instance);

        // The keys publish concurrently, each its own sequence in order.
        await Task.WhenAll(Enumerable.Range(0, keys).Select(async k =>
        {
            for (var seq = 0; seq < perKey; seq++)
            {
                await dapr.PublishEventAsync(PubSubName, Ordered, new Sequenced($"key-{k}", seq), KeyedBy($"key-{k}"), Ct);
            }
        }));

        var received = await app.WaitForRecordedAsync(Ordered, keys * perKey);
        Assert.Equal(keys * perKey, received.Count);
        foreach (var group in received.GroupBy(r => (string)r!["key"]!))
        {
            Assert.Equal(Enumerable.Range(0, perKey), group.Select(r => (int)r!["seq"]!));
        }
    }

    [Fact]
    public async Task Message_answered_with_retry_is_delivered_again_until_it_succeeds()
    {
        await using var runtime = await TestRuntime.StartAsync(Kafka());
        using var app = await runtime.StartTestAppAsync("retry-app");
        using var dapr = TestRuntime.ClientFor(app.Instance);

        await dapr.PublishEventAsync(PubSubName, FlakyNoDeadLetter, new Instruction("r-1", "retry", Failures: 2), KeyedBy("r"), Ct);
        await dapr.PublishEventAsync(PubSubName, FlakyNoDeadLetter, new Instruction("after", "ok"), KeyedBy("r"), Ct);

        // "after" shares the partition, so it arrives only once r-1 is done: r-1 was tried three times.
        var attempts = await app.WaitForRecordedAsync(FlakyNoDeadLetter, 4);
        Assert.Equal(["r-1", "r-1", "r-1", "after"], attempts.Select(a => (string)a!["id"]!));
    }

    [Fact]
    public async Task Dropped_and_not_found_messages_are_not_delivered_again_and_go_to_the_dead_letter_topic_when_set()
    {
        await using var runtime = await TestRuntime.StartAsync(Kafka());
        using var app = await runtime.StartTestAppAsync("drop-app");
        using var dapr = TestRuntime.ClientFor(app.Instance);

        await dapr.PublishEventAsync(PubSubName, Flaky, new Instruction("dropped", "drop"), KeyedBy("d"), Ct);
        await dapr.PublishEventAsync(PubSubName, Flaky, new Instruction("after-drop", "ok"), KeyedBy("d"), Ct);
        await dapr.PublishEventAsync(PubSubName, FlakyNoDeadLetter, new Instruction("missing", "not-found"), KeyedBy("n"), Ct);
        await dapr.PublishEventAsync(PubSubName, FlakyNoDeadLetter, new Instruction("after-missing", "ok"), KeyedBy("n"), Ct);

        Assert.Equal(["dropped", "after-drop"], (await app.WaitForRecordedAsync(Flaky, 2)).Select(a => (string)a!["id"]!));
        Assert.Equal(["missing", "after-missing"], (await app.WaitForRecordedAsync(FlakyNoDeadLetter, 2)).Select(a => (string)a!["id"]!));

        // The dead-letter copy is the original envelope (it still names its first topic) with its metadata.
        var dead = Assert.Single(await app.WaitForRecordedAsync(DeadLetter))!;
        var envelope = JsonNode.Parse((string)dead["body"]!)!;
        Assert.Equal("dropped", (string?)envelope["id"]);
        Assert.Equal("d", (string?)dead["headers"]!["__key"]);
        Assert.Equal(DeadLetter, (string?)dead["headers"]!["__topic"]);
        Assert.Equal(2, (await SnapshotAsync(app, Flaky)).Count);
    }

    [Fact]
    public async Task Failing_handler_is_retried_by_the_resiliency_policy_then_dead_lettered()
    {
        await using var runtime = await TestRuntime.StartAsync(Kafka(), DeliveryResiliency);
        using var app = await runtime.StartTestAppAsync("throwing-app");
        using var dapr = TestRuntime.ClientFor(app.Instance);

        await dapr.PublishEventAsync(PubSubName, Flaky, new Instruction("boom", "throw"), KeyedBy("b"), Ct);

        var dead = Assert.Single(await app.WaitForRecordedAsync(DeadLetter))!;
        Assert.Equal("boom", (string?)JsonNode.Parse((string)dead["body"]!)!["id"]);
        // One attempt and the policy's two retries, all before the dead-letter copy was published.
        Assert.Equal([1, 2, 3], (await SnapshotAsync(app, Flaky)).Select(a => (int)a!["attempt"]!));
    }

    [Fact]
    public async Task Routing_rules_send_each_event_to_the_first_matching_path()
    {
        await using var runtime = await TestRuntime.StartAsync(Kafka());
        using var app = await runtime.StartTestAppAsync("routing-app");
        using var dapr = TestRuntime.ClientFor(app.Instance);

        await dapr.PublishEventAsync(PubSubName, Routed, new Sized("w", 50, "any"), new Dictionary<string, string> { ["partitionKey"] = "r", ["cloudevent.type"] = "widget" }, Ct);
        await dapr.PublishEventAsync(PubSubName, Routed, new Sized("big", 50, "box"), KeyedBy("r"), Ct);
        await dapr.PublishEventAsync(PubSubName, Routed, new Sized("tiny", 50, "tiny"), KeyedBy("r"), Ct);
        await dapr.PublishEventAsync(PubSubName, Routed, new Sized("small", 5, "box"), KeyedBy("r"), Ct);

        var routed = await app.WaitForRecordedAsync(Routed, 4);
        Assert.Equal(["w:widget", "big:large", "tiny:default", "small:default"], routed.Select(r => $"{r!["id"]}:{r["route"]}"));
    }

    [Fact]
    public async Task Subscription_scopes_keep_an_app_off_topics_it_may_not_read()
    {
        await using var runtime = await TestRuntime.StartAsync(Kafka("""
                - name: subscriptionScopes
                  value: "reader=events,ordered"
            """));
        using var app = await runtime.StartTestAppAsync("reader");
        using var http = TestRuntime.SidecarHttp(app.Instance);

        var metadata = await http.GetFromJsonAsync<JsonObject>(new Uri("v1.0/metadata", UriKind.Relative), Ct);
        var topics = metadata!["subscriptions"]!.AsArray().Select(s => (string)s!["topic"]!).Order(StringComparer.Ordinal);
        Assert.Equal([Events, Ordered], topics);
    }

    [Fact]
    public async Task Subscriptions_with_rules_are_listed_in_the_sidecar_metadata()
    {
        await using var runtime = await TestRuntime.StartAsync(Kafka());
        using var app = await runtime.StartTestAppAsync("listed");
        using var http = TestRuntime.SidecarHttp(app.Instance);

        var metadata = await http.GetFromJsonAsync<JsonObject>(new Uri("v1.0/metadata", UriKind.Relative), Ct);
        var routed = metadata!["subscriptions"]!.AsArray().Single(s => (string)s!["topic"]! == Routed)!;
        Assert.Equal(PubSubName, (string?)routed["pubsubname"]);
        Assert.Equal("PROGRAMMATIC", (string?)routed["type"]);
        Assert.Equal(["pubsub/routed/widget", "pubsub/routed/large", "pubsub/routed/default"], routed["rules"]!.AsArray().Select(r => (string)r!["path"]!));
        var flaky = metadata["subscriptions"]!.AsArray().Single(s => (string)s!["topic"]! == Flaky)!;
        Assert.Equal(DeadLetter, (string?)flaky["deadLetterTopic"]);
    }
}
