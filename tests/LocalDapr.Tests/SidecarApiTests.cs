using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapr;
using Grpc.Core;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// Health, metadata, API tokens and path cleaning, as daprd serves them.
/// </summary>
public sealed class SidecarApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_is_204_and_the_sdk_sees_the_sidecar()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync("healthy-app");
        using var http = TestRuntime.SidecarHttp(sidecar);
        using var dapr = TestRuntime.ClientFor(sidecar);

        Assert.Equal(HttpStatusCode.NoContent, (await http.GetAsync(new Uri("v1.0/healthz", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.GetAsync(new Uri("v1.0/healthz/outbound", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await http.GetAsync(new Uri("v1.0/healthz?appid=someone-else", UriKind.Relative), Ct)).StatusCode);
        Assert.True(await dapr.CheckHealthAsync(Ct));
        await dapr.WaitForSidecarAsync(Ct);
    }

    [Fact]
    public async Task Metadata_lists_the_app_id_and_the_components_it_may_use()
    {
        var scopedMail = TestRuntime.MailYaml + "\nscopes:\n  - someone-else\n";
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml), ("mail.yaml", scopedMail));
        using var http = TestRuntime.SidecarHttp(await runtime.StartSidecarAsync("meta-app"));

        using var put = await http.PutAsync(new Uri("v1.0/metadata/team", UriKind.Relative), new StringContent("orders"), Ct);
        var metadata = await http.GetFromJsonAsync<JsonElement>("v1.0/metadata", Ct);

        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.Equal("meta-app", metadata.GetProperty("id").GetString());
        var components = metadata.GetProperty("components").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("type").GetString())).ToList();
        Assert.Equal([("statestore", "state.in-memory")], components);
        Assert.Equal("orders", metadata.GetProperty("extended").GetProperty("team").GetString());
    }

    [Fact]
    public async Task Sdk_reads_and_sets_metadata_over_grpc()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml), ("mail.yaml", TestRuntime.MailYaml));
        using var dapr = TestRuntime.ClientFor(await runtime.StartSidecarAsync("grpc-meta-app"));

        await dapr.SetMetadataAsync("owner", "core", Ct);
        var metadata = await dapr.GetMetadataAsync(Ct);

        Assert.Equal("grpc-meta-app", metadata.Id);
        Assert.Equal(["email", "statestore"], metadata.Components.Select(c => c.Name).Order());
        Assert.Equal("core", metadata.Extended["owner"]);
    }

    [Fact]
    public async Task Calls_without_the_api_token_are_refused_on_http_and_grpc()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync("secure-app", spec => spec with { DaprApiToken = "s3cret" });
        using var http = TestRuntime.SidecarHttp(sidecar);
        using var anonymous = TestRuntime.ClientFor(sidecar);
        using var wrong = TestRuntime.ClientFor(sidecar, "wrong");
        using var authorised = TestRuntime.ClientFor(sidecar, "s3cret");

        using var refused = await http.GetAsync(new Uri("v1.0/state/statestore/k", UriKind.Relative), Ct);
        var grpcRefused = await Assert.ThrowsAsync<DaprException>(() => anonymous.GetStateAsync<string>("statestore", "k", cancellationToken: Ct));
        var grpcWrong = await Assert.ThrowsAsync<DaprException>(() => wrong.GetStateAsync<string>("statestore", "k", cancellationToken: Ct));
        await authorised.SaveStateAsync("statestore", "k", "allowed", cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("invalid api token", await refused.Content.ReadAsStringAsync(Ct));
        Assert.Equal(StatusCode.Unauthenticated, ((RpcException)grpcRefused.InnerException!).StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, ((RpcException)grpcWrong.InnerException!).StatusCode);
        Assert.Equal("allowed", await authorised.GetStateAsync<string>("statestore", "k", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NoContent, (await http.GetAsync(new Uri("v1.0/healthz", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.GetAsync(new Uri("v1.0/healthz/outbound", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task App_started_with_a_token_gets_it_and_its_sdk_calls_pass()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        using var app = await runtime.StartTestAppAsync("token-user", spec => spec with { DaprApiToken = "app-calls-dapr" });

        using var save = await app.Http.PutAsJsonAsync("test/state/statestore/k", "through the token", Ct);

        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        using var http = TestRuntime.SidecarHttp(app.Instance);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri("v1.0/state/statestore/k", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task Double_slash_paths_are_cleaned_as_daprd_does()
    {
        await using var runtime = await TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));
        var sidecar = await runtime.StartSidecarAsync("slash-app");
        using var http = TestRuntime.SidecarHttp(sidecar);

        using var health = await http.GetAsync(new Uri($"http://127.0.0.1:{sidecar.HttpPort}//v1.0/healthz"), Ct);
        using var state = await http.GetAsync(new Uri($"http://127.0.0.1:{sidecar.HttpPort}//v1.0//state/statestore/missing"), Ct);

        Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, state.StatusCode);
    }
}
