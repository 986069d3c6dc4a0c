using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// The state API through the real DaprClient (gRPC), against a sidecar of the runtime.
/// </summary>
public sealed class StateGrpcTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Saved_state_reads_back_with_an_etag()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync("app-a");
        using var dapr = TestRuntime.ClientFor(sidecar);

        await dapr.SaveStateAsync("statestore", "k1", new Item("one", 1), cancellationToken: Ct);
        var (value, etag) = await dapr.GetStateAndETagAsync<Item>("statestore", "k1", cancellationToken: Ct);

        Assert.Equal(new Item("one", 1), value);
        Assert.False(string.IsNullOrEmpty(etag));
    }

    [Fact]
    public async Task Missing_key_reads_as_default_without_etag()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync("app-a");
        using var dapr = TestRuntime.ClientFor(sidecar);

        var (value, etag) = await dapr.GetStateAndETagAsync<Item>("statestore", "missing", cancellationToken: Ct);

        Assert.Null(value);
        Assert.Equal("", etag);
    }

    [Fact]
    public async Task Save_with_a_stale_etag_is_refused_and_try_save_returns_false()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync("app-a");
        using var dapr = TestRuntime.ClientFor(sidecar);
        await dapr.SaveStateAsync("statestore", "k", new Item("v1", 1), cancellationToken: Ct);
        var (_, first) = await dapr.GetStateAndETagAsync<Item>("statestore", "k", cancellationToken: Ct);

        Assert.True(await dapr.TrySaveStateAsync("statestore", "k", new Item("v2", 2), first, cancellationToken: Ct));
        Assert.False(await dapr.TrySaveStateAsync("statestore", "k", new Item("v3", 3), first, cancellationToken: Ct));
        Assert.False(await dapr.TryDeleteStateAsync("statestore", "k", first, cancellationToken: Ct));

        Assert.Equal(new Item("v2", 2), await dapr.GetStateAsync<Item>("statestore", "k", cancellationToken: Ct));
    }

    [Fact]
    public async Task Etag_on_a_missing_key_is_a_conflict()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync("app-a");
        using var dapr = TestRuntime.ClientFor(sidecar);

        Assert.False(await dapr.TrySaveStateAsync("statestore", "never-written", new Item("x", 1), "some-etag", cancellationToken: Ct));
    }

    [Fact]
    public async Task First_write_without_etag_fails_when_the_key_exists()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync("app-a");
        using var dapr = TestRuntime.ClientFor(sidecar);
        var firstWrite = new StateOptions { Concurrency = ConcurrencyMode.FirstWrite };

        await dapr.SaveStateAsync("statestore", "fw", new Item("a", 1), firstWrite, cancellationToken: Ct);
        var conflict = await Assert.ThrowsAsync<DaprException>(() => dapr.SaveStateAsync("statestore", "fw", new Item("b", 2), firstWrite, cancellationToken: Ct));

        Assert.Equal(StatusCode.Aborted, ((RpcException)conflict.InnerException!).StatusCode);
        Assert.Equal(new Item("a", 1), await dapr.GetStateAsync<Item>("statestore", "fw", cancellationToken: Ct));
    }

    [Fact]
    public async Task Bulk_get_returns_one_item_per_key_with_data_only_for_existing_keys()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync("app-a");
        using var dapr = TestRuntime.ClientFor(sidecar);
        await dapr.SaveBulkStateAsync("statestore", [new SaveStateItem<Item>("b1", new Item("one", 1), ""), new SaveStateItem<Item>("b2", new Item("two", 2), "")], Ct);

        var items = await dapr.GetBulkStateAsync<Item>("statestore", ["b1", "b2", "b3"], parallelism: 1, cancellationToken: Ct);

        Assert.Equal(["b1", "b2", "b3"], items.Select(i => i.Key).Order());
        Assert.Equal(new Item("two", 2), items.Single(i => i.Key == "b2").Value);
        Assert.Null(items.Single(i => i.Key == "b3").Value);
    }

    [Fact]
    public async Task Delete_and_bulk_delete_remove_keys()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync("app-a");
        using var dapr = TestRuntime.ClientFor(sidecar);
        foreach (var key in new[] { "d1", "d2", "d3" })
        {
            await dapr.SaveStateAsync("statestore", key, new Item(key, 0), cancellationToken: Ct);
        }

        await dapr.DeleteStateAsync("statestore", "d1", cancellationToken: Ct);
        await dapr.DeleteBulkStateAsync("statestore", [new BulkDeleteStateItem("d2", ""), new BulkDeleteStateItem("d3", "")], Ct);

        var items = await dapr.GetBulkStateAsync<Item>("statestore", ["d1", "d2", "d3"], parallelism: 1, cancellationToken: Ct);
        Assert.All(items, i => Assert.Null(i.Value));
    }

    [Fact]
    public async Task Transaction_applies_all_operations_together()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync("app-a");
        using var dapr = TestRuntime.ClientFor(sidecar);
        await dapr.SaveStateAsync("statestore", "gone", new Item("old", 0), cancellationToken: Ct);

        await dapr.ExecuteStateTransactionAsync("statestore",
        [
            new StateTransactionRequest("t1", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Item("t", 1), JsonWeb), StateOperationType.Upsert),
            new StateTransactionRequest("gone", null, StateOperationType.Delete),
        ], cancellationToken: Ct);

        Assert.Equal(new Item("t", 1), await dapr.GetStateAsync<Item>("statestore", "t1", cancellationToken: Ct));
        Assert.Null(await dapr.GetStateAsync<Item>("statestore", "gone", cancellationToken: Ct));
    }

    [Fact]
    public async Task Transaction_with_a_stale_etag_changes_nothing_and_fails_as_internal()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync("app-a");
        using var dapr = TestRuntime.ClientFor(sidecar);
        await dapr.SaveStateAsync("statestore", "guarded", new Item("v1", 1), cancellationToken: Ct);

        var failure = await Assert.ThrowsAsync<DaprException>(() => dapr.ExecuteStateTransactionAsync("statestore",
        [
            new StateTransactionRequest("written", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Item("w", 1), JsonWeb), StateOperationType.Upsert),
            new StateTransactionRequest("guarded", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Item("v2", 2), JsonWeb), StateOperationType.Upsert, etag: "stale"),
        ], cancellationToken: Ct));

        Assert.Equal(StatusCode.Internal, ((RpcException)failure.InnerException!).StatusCode);
        Assert.Null(await dapr.GetStateAsync<Item>("statestore", "written", cancellationToken: Ct));
        Assert.Equal(new Item("v1", 1), await dapr.GetStateAsync<Item>("statestore", "guarded", cancellationToken: Ct));
    }

    [Fact]
    public async Task Unknown_store_is_invalid_argument()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync("app-a");
        using var dapr = TestRuntime.ClientFor(sidecar);

        var failure = await Assert.ThrowsAsync<DaprException>(() => dapr.GetStateAsync<Item>("nope", "k", cancellationToken: Ct));

        Assert.Equal(StatusCode.InvalidArgument, ((RpcException)failure.InnerException!).StatusCode);
    }

    [Fact]
    public async Task Apps_do_not_see_each_others_keys()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        using var a = TestRuntime.ClientFor(await runtime.StartSidecarAsync("app-a"));
        using var b = TestRuntime.ClientFor(await runtime.StartSidecarAsync("app-b"));

        await a.SaveStateAsync("statestore", "shared-name", new Item("from a", 1), cancellationToken: Ct);
        await b.SaveStateAsync("statestore", "shared-name", new Item("from b", 2), cancellationToken: Ct);

        Assert.Equal(new Item("from a", 1), await a.GetStateAsync<Item>("statestore", "shared-name", cancellationToken: Ct));
        Assert.Equal(new Item("from b", 2), await b.GetStateAsync<Item>("statestore", "shared-name", cancellationToken: Ct));
    }

    [Fact]
    public async Task Instances_of_one_app_share_keys()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        using var first = TestRuntime.ClientFor(await runtime.StartSidecarAsync("app-a"));
        using var second = TestRuntime.ClientFor(await runtime.StartSidecarAsync("app-a"));

        await first.SaveStateAsync("statestore", "k", new Item("written by instance 0", 1), cancellationToken: Ct);

        Assert.Equal(new Item("written by instance 0", 1), await second.GetStateAsync<Item>("statestore", "k", cancellationToken: Ct));
    }

    [Theory]
    [InlineData("none", "app-b")]
    [InlineData("name", "app-b")]
    [InlineData("shared", "app-b")]
    public async Task Key_prefix_other_than_appid_shares_keys_between_apps(string keyPrefix, string otherApp)
    {
        var yaml = TestRuntime.StateStoreYaml + $"""

                - name: keyPrefix
                  value: "{keyPrefix}"
            """;
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", yaml));
        using var a = TestRuntime.ClientFor(await runtime.StartSidecarAsync("app-a"));
        using var b = TestRuntime.ClientFor(await runtime.StartSidecarAsync(otherApp));

        await a.SaveStateAsync("statestore", "k", new Item("from a", 1), cancellationToken: Ct);

        Assert.Equal(new Item("from a", 1), await b.GetStateAsync<Item>("statestore", "k", cancellationToken: Ct));
    }

    internal static readonly System.Text.Json.JsonSerializerOptions JsonWeb = new(System.Text.Json.JsonSerializerDefaults.Web);

    internal sealed record Item(string Name, int Count);
}
