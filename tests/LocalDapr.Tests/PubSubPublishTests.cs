using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Dapr;
using Grpc.Core;
using static DaprOrders.LocalDapr.TestApp.PubSubTestTopics;
using static DaprOrders.LocalDapr.Tests.PubSubTestResources;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// Publishing through the real DaprClient (gRPC) and the HTTP API, seen by the TestApp and by a plain Kafka client.
/// </summary>
public sealed class PubSubPublishTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed record Payload(string Id, int Amount);

    [Fact]
    public async Task Event_published_with_DaprClient_reaches_the_subscriber_with_daprd_headers()
    {
        await using var runtime = await TestRuntime.StartAsync(Kafka());
        using var app = await runtime.StartTestAppAsync("subscriber");
        using var dapr = TestRuntime.ClientFor(app.Instance);

        await dapr.PublishEventAsync(PubSubName, Events, new Payload("p-1", 42),
            new Dictionary<string, string> { ["partitionKey"] = "order-7", ["custom"] = "yes" }, Ct);

        var received = Assert.Single(await app.WaitForRecordedAsync(Events))!;
        Assert.Equal("application/json", (string?)received["contentType"]);
        Assert.Equal("""{"id":"p-1","amount":42}""", (string?)received["body"]);
        var headers = received["headers"]!;
        Assert.Equal(PubSubName, (string?)headers["pubsubName"]);
        Assert.Equal(Events, (string?)headers["__topic"]);
        Assert.Equal("order-7", (string?)headers["__key"]);
        Assert.Equal("order-7", (string?)headers["partitionKey"]);
        Assert.Equal("yes", (string?)headers["custom"]);
        Assert.Equal("0", (string?)headers["__offset"]);
    }

    [Fact]
    public async Task Envelope_is_the_cloud_event_daprd_builds()
    {
        await using var runtime = await TestRuntime.StartAsync(Kafka());
        using var app = await runtime.StartTestAppAsync("subscriber");
        var publisher = await runtime.StartSidecarAsync("publisher");
        using var dapr = TestRuntime.ClientFor(publisher);
        using var http = TestRuntime.SidecarHttp(publisher);
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        await dapr.PublishEventAsync(PubSubName, Envelopes, new Payload("json", 1), Ct);
        using var text = new HttpRequestMessage(HttpMethod.Post, "v1.0/publish/pubsub/envelopes?metadata.cloudevent.type=text.sent")
        {
            Content = new StringContent("hello", Encoding.UTF8, "text/plain"),
        };
        text.Headers.Add("traceparent", traceParent);
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(text, Ct)).StatusCode);
        await dapr.PublishByteEventAsync(PubSubName, Envelopes, new byte[] { 1, 2, 3 }, "application/octet-stream", cancellationToken: Ct);

        var envelopes = (await app.WaitForRecordedAsync(Envelopes, 3)).Select(e => e!.AsObject()).ToList();
        var json = envelopes.Single(e => (string?)e["datacontenttype"] == "application/json");
        Assert.Equal(["data", "datacontenttype", "id", "pubsubname", "source", "specversion", "time", "topic", "traceid", "traceparent", "tracestate", "type"],
            json.Select(p => p.Key).ToList());
        Assert.True(Guid.TryParse((string?)json["id"], out _));
        Assert.Equal("publisher", (string?)json["source"]);
        Assert.Equal("com.dapr.event.sent", (string?)json["type"]);
        Assert.Equal("1.0", (string?)json["specversion"]);
        Assert.Equal(Envelopes, (string?)json["topic"]);
        Assert.Equal(PubSubName, (string?)json["pubsubname"]);
        Assert.True(DateTimeOffset.TryParse((string?)json["time"], out _));
        Assert.Equal(1, (int?)json["data"]!["amount"]);

        // The Content-Type header is taken as is, parameters included.
        var plain = envelopes.Single(e => (string?)e["datacontenttype"] == "text/plain; charset=utf-8");
        Assert.Equal("hello", (string?)plain["data"]);
        Assert.Equal("text.sent", (string?)plain["type"]);
        Assert.Equal(traceParent, (string?)plain["traceparent"]);
        Assert.Equal(traceParent, (string?)plain["traceid"]);

        var binary = envelopes.Single(e => (string?)e["datacontenttype"] == "application/octet-stream");
        Assert.Equal(Convert.ToBase64String([1, 2, 3]), (string?)binary["data_base64"]);
        Assert.Null(binary["data"]);
    }

    [Fact]
    public async Task Caller_cloud_event_is_kept_with_topic_and_pubsub_set_by_the_sidecar()
    {
        await using var runtime = await TestRuntime.StartAsync(Kafka());
        using var app = await runtime.StartTestAppAsync("subscriber");
        using var http = TestRuntime.SidecarHttp(app.Instance);
        var cloudEvent = """{"id":"my-id","source":"my-source","type":"my.type","specversion":"1.0","topic":"elsewhere","datacontenttype":"application/json","data":{"x":1}}""";

        using var response = await http.PostAsync(new Uri("v1.0/publish/pubsub/envelopes", UriKind.Relative),
            new StringContent(cloudEvent, Encoding.UTF8, "application/cloudevents+json"), Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var envelope = Assert.Single(await app.WaitForRecordedAsync(Envelopes))!;
        Assert.Equal("my-id", (string?)envelope["id"]);
        Assert.Equal("my-source", (string?)envelope["source"]);
        Assert.Equal("my.type", (string?)envelope["type"]);
        Assert.Equal(Envelopes, (string?)envelope["topic"]);
        Assert.Equal(PubSubName, (string?)envelope["pubsubname"]);
        Assert.Equal(1, (int?)envelope["data"]!["x"]);
        Assert.NotNull(envelope["time"]);
    }

    [Fact]
    public async Task Unknown_pubsub_and_empty_topic_are_refused_with_daprd_codes()
    {
        await using var runtime = await TestRuntime.StartAsync(Kafka());
        var publisher = await runtime.StartSidecarAsync("publisher");
        using var dapr = TestRuntime.ClientFor(publisher);
        using var http = TestRuntime.SidecarHttp(publisher);

        var grpc = await Assert.ThrowsAsync<DaprException>(() => dapr.PublishEventAsync("nope", Events, new Payload("x", 1), Ct));
        Assert.Equal(StatusCode.InvalidArgument, Assert.IsType<RpcException>(grpc.InnerException).StatusCode);

        using var unknown = await http.PostAsync(new Uri("v1.0/publish/nope/events", UriKind.Relative), new StringContent("x"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("ERR_PUBSUB_NOT_FOUND", (string?)(await unknown.Content.ReadFromJsonAsync<JsonObject>(Ct))!["errorCode"]);

        using var noTopic = await http.PostAsync(new Uri("v1.0/publish/pubsub/", UriKind.Relative), new StringContent("x"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, noTopic.StatusCode);
    }

    [Fact]
    public async Task Publishing_scopes_forbid_topics_an_app_may_not_publish()
    {
        await using var runtime = await TestRuntime.StartAsync(Kafka("""
                - name: publishingScopes
                  value: "writer=events;silent="
            """));
        var writer = await runtime.StartSidecarAsync("writer");
        var silent = await runtime.StartSidecarAsync("silent");
        var other = await runtime.StartSidecarAsync("other");
        using var writerClient = TestRuntime.ClientFor(writer);
        using var silentClient = TestRuntime.ClientFor(silent);
        using var otherClient = TestRuntime.ClientFor(other);
        using var writerHttp = TestRuntime.SidecarHttp(writer);

        await writerClient.PublishEventAsync(PubSubName, Events, new Payload("ok", 1), Ct);
        await otherClient.PublishEventAsync(PubSubName, Ordered, new Payload("unscoped app", 1), Ct);
        var denied = await Assert.ThrowsAsync<DaprException>(() => writerClient.PublishEventAsync(PubSubName, Ordered, new Payload("x", 1), Ct));
        Assert.Equal(StatusCode.PermissionDenied, Assert.IsType<RpcException>(denied.InnerException).StatusCode);
        var none = await Assert.ThrowsAsync<DaprException>(() => silentClient.PublishEventAsync(PubSubName, Events, new Payload("x", 1), Ct));
        Assert.Equal(StatusCode.PermissionDenied, Assert.IsType<RpcException>(none.InnerException).StatusCode);

        using var forbidden = await writerHttp.PostAsync(new Uri("v1.0/publish/pubsub/ordered", UriKind.Relative), new StringContent("x"), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("ERR_PUBSUB_FORBIDDEN", (string?)(await forbidden.Content.ReadFromJsonAsync<JsonObject>(Ct))!["errorCode"]);
    }

    [Fact]
    public async Task Plain_kafka_consumer_on_the_printed_bootstrap_servers_reads_the_topic()
    {
        await using var runtime = await TestRuntime.StartAsync(Kafka());
        var publisher = await runtime.StartSidecarAsync("publisher");
        using var dapr = TestRuntime.ClientFor(publisher);
        var servers = PubSubOf(runtime).BootstrapServers!;
        Assert.Contains(runtime.Runtime.DescribeEndpoints(), line => line.Contains(servers, StringComparison.Ordinal));

        await dapr.PublishEventAsync(PubSubName, Events, new Payload("seen", 7), new Dictionary<string, string> { ["partitionKey"] = "k-1" }, Ct);

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = servers,
            GroupId = "outside-reader",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe(Events);
        var record = await Task.Run(() => consumer.Consume(TestRuntime.Timeout), Ct);
        Assert.NotNull(record);
        Assert.Equal("k-1", record.Message.Key);
        var envelope = JsonNode.Parse(record.Message.Value)!;
        Assert.Equal("seen", (string?)envelope["data"]!["id"]);
        Assert.Equal("k-1", Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes("partitionKey")));
        consumer.Close();
    }
}
