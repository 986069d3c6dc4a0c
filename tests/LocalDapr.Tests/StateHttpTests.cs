using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// `/v1.0/state/...` as curl and the docs use it.
/// </summary>
public sealed class StateHttpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Saved_values_read_back_raw_with_an_etag_header()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        using var http = TestRuntime.SidecarHttp(await runtime.StartSidecarAsync("http-app"));

        using var save = await http.PostAsync(new Uri("v1.0/state/statestore", UriKind.Relative),
            Json("""[{"key":"order-1","value":{"id":"order-1","total":12.5}},{"key":"note","value":"plain"}]"""), Ct);
        using var order = await http.GetAsync(new Uri("v1.0/state/statestore/order-1", UriKind.Relative), Ct);
        using var note = await http.GetAsync(new Uri("v1.0/state/statestore/note", UriKind.Relative), Ct);
        using var missing = await http.GetAsync(new Uri("v1.0/state/statestore/none", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        Assert.Equal(HttpStatusCode.OK, order.StatusCode);
        Assert.Equal(12.5m, (await order.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("total").GetDecimal());
        Assert.False(string.IsNullOrEmpty(order.Headers.ETag?.Tag ?? order.Headers.GetValues("ETag").Single()));
        Assert.Equal("\"plain\"", await note.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.NoContent, missing.StatusCode);
    }

    [Fact]
    public async Task Stale_etag_is_409_and_changes_nothing()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        using var http = TestRuntime.SidecarHttp(await runtime.StartSidecarAsync("http-app"));
        (await http.PostAsync(new Uri("v1.0/state/statestore", UriKind.Relative), Json("""[{"key":"k","value":1}]"""), Ct)).EnsureSuccessStatusCode();
        var etag = await EtagOfAsync(http, "k");
        (await http.PostAsync(new Uri("v1.0/state/statestore", UriKind.Relative), Json($$"""[{"key":"k","value":2,"etag":"{{etag}}"}]"""), Ct)).EnsureSuccessStatusCode();

        using var stale = await http.PostAsync(new Uri("v1.0/state/statestore", UriKind.Relative), Json($$"""[{"key":"k","value":3,"etag":"{{etag}}"}]"""), Ct);
        using var staleDelete = new HttpRequestMessage(HttpMethod.Delete, new Uri("v1.0/state/statestore/k", UriKind.Relative));
        staleDelete.Headers.TryAddWithoutValidation("If-Match", etag);
        using var deleted = await http.SendAsync(staleDelete, Ct);

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("ERR_STATE_SAVE", (await stale.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errorCode").GetString());
        Assert.Equal(HttpStatusCode.Conflict, deleted.StatusCode);
        Assert.Equal("2", await (await http.GetAsync(new Uri("v1.0/state/statestore/k", UriKind.Relative), Ct)).Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task First_write_concurrency_refuses_an_existing_key()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        using var http = TestRuntime.SidecarHttp(await runtime.StartSidecarAsync("http-app"));
        const string firstWrite = """[{"key":"fw","value":1,"options":{"concurrency":"first-write"}}]""";

        using var first = await http.PostAsync(new Uri("v1.0/state/statestore", UriKind.Relative), Json(firstWrite), Ct);
        using var second = await http.PostAsync(new Uri("v1.0/state/statestore", UriKind.Relative), Json(firstWrite), Ct);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task Bulk_get_and_delete()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        using var http = TestRuntime.SidecarHttp(await runtime.StartSidecarAsync("http-app"));
        (await http.PostAsync(new Uri("v1.0/state/statestore", UriKind.Relative), Json("""[{"key":"a","value":{"n":1}},{"key":"b","value":{"n":2}}]"""), Ct)).EnsureSuccessStatusCode();

        using var delete = await http.DeleteAsync(new Uri("v1.0/state/statestore/b", UriKind.Relative), Ct);
        using var bulk = await http.PostAsync(new Uri("v1.0/state/statestore/bulk", UriKind.Relative), Json("""{"keys":["a","b"],"parallelism":2}"""), Ct);
        var items = await bulk.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
        Assert.Equal("a", items[0].GetProperty("key").GetString());
        Assert.Equal(1, items[0].GetProperty("data").GetProperty("n").GetInt32());
        Assert.False(string.IsNullOrEmpty(items[0].GetProperty("etag").GetString()));
        Assert.Equal("b", items[1].GetProperty("key").GetString());
        Assert.Equal(JsonValueKind.Null, items[1].GetProperty("data").ValueKind);
    }

    [Fact]
    public async Task Transaction_applies_all_or_answers_500_and_changes_nothing()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        using var http = TestRuntime.SidecarHttp(await runtime.StartSidecarAsync("http-app"));
        (await http.PostAsync(new Uri("v1.0/state/statestore", UriKind.Relative), Json("""[{"key":"old","value":0}]"""), Ct)).EnsureSuccessStatusCode();

        using var ok = await http.PostAsync(new Uri("v1.0/state/statestore/transaction", UriKind.Relative), Json("""
            {"operations":[{"operation":"upsert","request":{"key":"new","value":"n"}},{"operation":"delete","request":{"key":"old"}}]}
            """), Ct);
        using var conflict = await http.PostAsync(new Uri("v1.0/state/statestore/transaction", UriKind.Relative), Json("""
            {"operations":[{"operation":"upsert","request":{"key":"other","value":1}},{"operation":"upsert","request":{"key":"new","value":"x","etag":"stale"}}]}
            """), Ct);

        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.GetAsync(new Uri("v1.0/state/statestore/old", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, conflict.StatusCode);
        Assert.Equal("ERR_STATE_TRANSACTION", (await conflict.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errorCode").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await http.GetAsync(new Uri("v1.0/state/statestore/other", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal("\"n\"", await (await http.GetAsync(new Uri("v1.0/state/statestore/new", UriKind.Relative), Ct)).Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Unknown_store_is_400_and_malformed_body_is_400()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        using var http = TestRuntime.SidecarHttp(await runtime.StartSidecarAsync("http-app"));

        using var unknown = await http.GetAsync(new Uri("v1.0/state/nope/k", UriKind.Relative), Ct);
        using var malformed = await http.PostAsync(new Uri("v1.0/state/statestore", UriKind.Relative), Json("{not json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("ERR_STATE_STORE_NOT_FOUND", (await unknown.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errorCode").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task Http_and_grpc_see_the_same_state()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync("mixed-app");
        using var http = TestRuntime.SidecarHttp(sidecar);
        using var dapr = TestRuntime.ClientFor(sidecar);

        (await http.PostAsync(new Uri("v1.0/state/statestore", UriKind.Relative), Json("""[{"key":"k","value":{"name":"via http","count":7}}]"""), Ct)).EnsureSuccessStatusCode();

        Assert.Equal(new StateGrpcTests.Item("via http", 7), await dapr.GetStateAsync<StateGrpcTests.Item>("statestore", "k", cancellationToken: Ct));
    }

    private static async Task<string> EtagOfAsync(HttpClient http, string key)
    {
        using var response = await http.GetAsync(new Uri($"v1.0/state/statestore/{key}", UriKind.Relative), Ct);
        return response.Headers.GetValues("ETag").Single();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
