using DaprOrders.Tests;
using static DaprOrders.LocalDapr.TestApp.PubSubTestTopics;
using static DaprOrders.LocalDapr.Tests.PubSubTestResources;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// `localdapr publish` as a user runs it (the real executable) against a real runtime, found through its state
/// file: the event goes through the publishing app's sidecar and reaches the TestApp as daprd delivers it.
/// </summary>
public sealed class PublishCommandTests : IAsyncLifetime
{
    private TestRuntime? _runtime;
    private TestApp? _subscriber;

    private TestRuntime Runtime => _runtime!;

    private TestApp Subscriber => _subscriber!;

    public async ValueTask InitializeAsync()
    {
        _runtime = await TestRuntime.StartAsync(Kafka());
        _subscriber = await _runtime.StartTestAppAsync("subscriber");
        await _runtime.StartSidecarAsync("publisher");
    }

    [Fact]
    public async Task Data_is_published_as_json_through_the_publishing_app_with_the_metadata()
    {
        var result = await PublishAsync("--publish-app-id", "publisher", "--pubsub", PubSubName, "--topic", Events,
            "--data", """{"id":"p-1","amount":42}""", "--metadata", """{"partitionKey":"order-7"}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["✅  Event published successfully"], result.Output);
        var received = Assert.Single(await Subscriber.WaitForRecordedAsync(Events))!;
        Assert.Equal("application/json", (string?)received["contentType"]);
        Assert.Equal("""{"id":"p-1","amount":42}""", (string?)received["body"]);
        Assert.Equal("order-7", (string?)received["headers"]!["__key"]);
    }

    [Fact]
    public async Task A_whole_cloud_event_is_published_as_application_cloudevents_json_and_kept()
    {
        const string cloudEvent = """{"id":"ce-1","source":"warehouse","specversion":"1.0","type":"stock.counted","data":{"amount":3}}""";

        var result = await PublishAsync("-i", "publisher", "-p", PubSubName, "-t", Envelopes, "-d", cloudEvent);

        Assert.True(result.ExitCode == 0, result.ToString());
        var envelope = Assert.Single(await Subscriber.WaitForRecordedAsync(Envelopes))!;
        // Sent as plain JSON, the whole object would be the data of a new envelope with a new id and source.
        Assert.Equal(("ce-1", "warehouse", "stock.counted", 3), ((string?)envelope["id"], (string?)envelope["source"], (string?)envelope["type"], (int?)envelope["data"]!["amount"]));
    }

    [Fact]
    public async Task The_sidecars_error_answer_is_one_line_with_daprds_error_and_exit_code_1()
    {
        var result = await PublishAsync("-i", "publisher", "-p", "no-such-pubsub", "-t", Events, "-d", "{}");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("❌  Error publishing topic events in no-such-pubsub: 404 Not Found: ", error, StringComparison.Ordinal);
        Assert.Contains("ERR_PUBSUB_NOT_FOUND", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_publishing_app_id_the_runtime_does_not_run_is_one_line_and_exit_code_1()
    {
        var result = await PublishAsync("-i", "loader", "-p", PubSubName, "-t", Events, "-d", "{}");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["❌  Error publishing topic events in pubsub: app ID loader not found (running: subscriber, publisher)"], result.Errors);
    }

    public async ValueTask DisposeAsync()
    {
        _subscriber?.Dispose();
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }
    }

    private Task<CliResult> PublishAsync(params string[] arguments) =>
        LocalDaprProcess.RunAsync(Runtime.Home.Folder, ["publish", .. arguments]);
}
