using System.Net;
using System.Net.Http.Json;
using System.Security.Authentication;
using System.Text.Json;
using Dapr;
using Dapr.Actors;
using Dapr.Actors.Client;
using DaprOrders.LocalDapr.Runtime;
using DaprOrders.LocalDapr.Sidecars;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// The TestApp (real Dapr.Actors SDK, child process) hosts the actors; the test calls them through the SDK's
/// ActorProxy (non-remoting, JSON) on a sidecar, and through the app's remoting proxy where noted.
/// </summary>
public sealed class ActorConformanceTests
{
    private const string Counter = "CounterActor";
    private const string IdleCounter = "IdleCounterActor";
    private const string ReentrantCounter = "ReentrantCounterActor";

    private static readonly TimeSpan Once = TimeSpan.FromMilliseconds(-1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Method_call_round_trips_and_state_persists_across_calls()
    {
        await using var runtime = await StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("actors-roundtrip");
        var actor = Proxy(app.Instance, Counter, NewId());

        Assert.Equal(1, await actor.InvokeMethodAsync<int>("IncrementSlowlyAsync", Ct));
        Assert.Equal(2, await actor.InvokeMethodAsync<int>("IncrementSlowlyAsync", Ct));
        Assert.Equal(2, await actor.InvokeMethodAsync<int>("GetCountAsync", Ct));
        Assert.Equal(app.Instance.AppPort.ToString(), await actor.InvokeMethodAsync<string>("WhereAmIAsync", Ct));
    }

    [Fact]
    public async Task Remoting_call_from_the_app_round_trips()
    {
        await using var runtime = await StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("actors-remoting");
        var id = NewId();

        using var first = await app.Http.PostAsync(new Uri($"test/actors/{Counter}/{id}/remoting/increment", UriKind.Relative), null, Ct);
        using var second = await app.Http.PostAsync(new Uri($"test/actors/{Counter}/{id}/remoting/increment", UriKind.Relative), null, Ct);

        Assert.Equal(1, await first.Content.ReadFromJsonAsync<int>(Ct));
        Assert.Equal(2, await second.Content.ReadFromJsonAsync<int>(Ct));
    }

    [Fact]
    public async Task Concurrent_calls_to_one_actor_are_serialised()
    {
        await using var runtime = await StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("actors-turns");
        var actor = Proxy(app.Instance, Counter, NewId());

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => actor.InvokeMethodAsync<int>("IncrementSlowlyAsync", Ct)));

        Assert.Equal(Enumerable.Range(1, 20), results.Order());
        Assert.Equal(20, await actor.InvokeMethodAsync<int>("GetCountAsync", Ct));
        Assert.Equal(0, await app.Http.GetFromJsonAsync<int>("test/actors/overlapping-turns", Ct));
    }

    [Fact]
    public async Task Different_actor_ids_run_in_parallel()
    {
        await using var runtime = await StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("actors-parallel");
        var group = NewId();

        // Each call returns true only when both actors are inside MeetAsync at the same time.
        var met = await Task.WhenAll(
            Proxy(app.Instance, Counter, NewId()).InvokeMethodAsync<Meeting, bool>("MeetAsync", new Meeting(group, 2), Ct),
            Proxy(app.Instance, Counter, NewId()).InvokeMethodAsync<Meeting, bool>("MeetAsync", new Meeting(group, 2), Ct));

        Assert.All(met, Assert.True);
    }

    [Fact]
    public async Task Reminder_fires_with_its_data()
    {
        await using var runtime = await StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("actors-reminder");
        var id = NewId();

        await Proxy(app.Instance, Counter, id).InvokeMethodAsync("StartReminderAsync", new ReminderSpec("once", "hello reminder", TimeSpan.FromMilliseconds(100), Once), Ct);

        var fired = Assert.Single(await app.WaitForRecordedAsync($"actor.{id}.reminder.once"));
        Assert.Equal("hello reminder", fired!["data"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reminder_survives_a_restart_of_its_app()
    {
        await using var runtime = await StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("actors-reminder-restart");
        var id = NewId();
        await Proxy(app.Instance, Counter, id).InvokeMethodAsync("StartReminderAsync", new ReminderSpec("after-restart", "still here", TimeSpan.FromSeconds(5), Once), Ct);

        // Reminders live in the runtime, not in the app: the fire waits for a host of the type to be back. Due in 5 s,
        // so that even on a loaded machine the app is stopped before then and the fire is the new process's to record.
        await runtime.Runtime.StopAppAsync(app.Instance, AppStopMode.Graceful, Ct);
        await runtime.Runtime.RestartAppAsync(app.Instance, Ct);

        var fired = Assert.Single(await app.WaitForRecordedAsync($"actor.{id}.reminder.after-restart"));
        Assert.Equal("still here", fired!["data"]!.GetValue<string>());
    }

    [Fact]
    public async Task Registered_reminder_reads_back_through_the_sdk_and_the_http_api()
    {
        await using var runtime = await StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("actors-reminder-get");
        var id = NewId();
        var actor = Proxy(app.Instance, Counter, id);
        await actor.InvokeMethodAsync("StartReminderAsync", new ReminderSpec("later", "x", TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)), Ct);

        Assert.Equal("later|x|01:00:00|00:05:00", await actor.InvokeMethodAsync<string, string?>("DescribeReminderAsync", "later", Ct));
        using var sidecar = TestRuntime.SidecarHttp(app.Instance);
        using var missing = await sidecar.GetAsync(new Uri($"v1.0/actors/{Counter}/{id}/reminders/nope", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("ERR_ACTOR_REMINDER_NOT_FOUND", (await missing.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task Periodic_reminder_fires_repeatedly_and_stops_after_unregister()
    {
        await using var runtime = await StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("actors-periodic");
        var id = NewId();
        var actor = Proxy(app.Instance, Counter, id);

        await actor.InvokeMethodAsync("StartReminderAsync", new ReminderSpec("tick", "t", TimeSpan.Zero, TimeSpan.FromMilliseconds(200)), Ct);
        await app.WaitForRecordedAsync($"actor.{id}.reminder.tick", 3);
        await actor.InvokeMethodAsync("StopReminderAsync", "tick", Ct);
        var ticksAtStop = (await app.WaitForRecordedAsync($"actor.{id}.reminder.tick", 0)).Count;

        // A marker five periods later: had "tick" kept going, about five more ticks would be recorded by then.
        await actor.InvokeMethodAsync("StartReminderAsync", new ReminderSpec("marker", "m", TimeSpan.FromSeconds(1), Once), Ct);
        await app.WaitForRecordedAsync($"actor.{id}.reminder.marker");

        var ticks = (await app.WaitForRecordedAsync($"actor.{id}.reminder.tick", 0)).Count;
        Assert.InRange(ticks, 3, ticksAtStop + 1); // one fire may have queued behind the unregistering turn
        using var sidecar = TestRuntime.SidecarHttp(app.Instance);
        using var gone = await sidecar.GetAsync(new Uri($"v1.0/actors/{Counter}/{id}/reminders/tick", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Timer_fires_with_its_data()
    {
        await using var runtime = await StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("actors-timer");
        var id = NewId();

        await Proxy(app.Instance, Counter, id).InvokeMethodAsync("StartTimerAsync", new TimerSpec("tm", "timer data", TimeSpan.FromMilliseconds(50), Once), Ct);

        var fired = Assert.Single(await app.WaitForRecordedAsync($"actor.{id}.timer"));
        Assert.Equal("timer data", fired!["data"]!.GetValue<string>());
    }

    [Fact]
    public async Task Idle_actor_is_deactivated_and_keeps_its_state()
    {
        await using var runtime = await StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("actors-idle");
        var id = NewId();
        var actor = Proxy(app.Instance, IdleCounter, id);
        await actor.InvokeMethodAsync<int>("IncrementSlowlyAsync", Ct);
        await actor.InvokeMethodAsync<int>("IncrementSlowlyAsync", Ct);

        await app.WaitForRecordedAsync($"actor.{id}.deactivated");

        Assert.Equal(3, await actor.InvokeMethodAsync<int>("IncrementSlowlyAsync", Ct));
        Assert.Equal(2, (await app.WaitForRecordedAsync($"actor.{id}.activated", 2)).Count);
    }

    [Fact]
    public async Task Throwing_method_surfaces_as_the_sdk_reports_it()
    {
        await using var runtime = await StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("actors-errors");

        // Non-remoting: the app answers 500, daprd turns it into ERR_ACTOR_INVOKE_METHOD.
        var error = await Assert.ThrowsAsync<DaprApiException>(() => Proxy(app.Instance, Counter, NewId()).InvokeMethodAsync("FailAsync", "boom", Ct));
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", error.ErrorCode);
        Assert.StartsWith("error invoke actor method: error from actor service: (500)", error.Message, StringComparison.Ordinal);

        // Remoting: 200 with X-DaprErrorResponseHeader passed through; the SDK rethrows the actor's exception.
        using var remoting = await app.Http.PostAsync(new Uri($"test/actors/{Counter}/{NewId()}/remoting/fail?message=kaboom", UriKind.Relative), null, Ct);
        var failure = await remoting.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("ActorMethodInvocationException", failure.GetProperty("exception").GetString());
        Assert.Equal("kaboom", failure.GetProperty("actorMessage").GetString());
    }

    [Fact]
    public async Task Actors_work_behind_api_tokens()
    {
        await using var runtime = await StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("actors-tokens", spec => spec with { DaprApiToken = "dapr-secret", AppApiToken = "app-secret" });
        var id = NewId();
        var actor = Proxy(app.Instance, Counter, id, "dapr-secret");

        // The app's SDK reaches its sidecar with DAPR_API_TOKEN (state, reminders); the sidecar sends APP_API_TOKEN.
        Assert.Equal(1, await actor.InvokeMethodAsync<int>("IncrementSlowlyAsync", Ct));
        await actor.InvokeMethodAsync("StartReminderAsync", new ReminderSpec("tokens", "ok", TimeSpan.Zero, Once), Ct);
        Assert.Single(await app.WaitForRecordedAsync($"actor.{id}.reminder.tokens"));
        var actorCalls = (await app.WaitForRecordedAsync("requests"))
            .Where(r => r!["path"]!.GetValue<string>().StartsWith("/actors/", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(actorCalls);
        Assert.All(actorCalls, r => Assert.Equal("app-secret", r!["daprApiToken"]?.GetValue<string>()));

        await Assert.ThrowsAsync<AuthenticationException>(() => Proxy(app.Instance, Counter, id).InvokeMethodAsync<int>("GetCountAsync", Ct));
    }

    [Fact]
    public async Task Unknown_actor_type_fails_as_daprd_does()
    {
        await using var runtime = await StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("actors-unknown");
        using var sidecar = TestRuntime.SidecarHttp(app.Instance);

        using var response = await sidecar.PutAsync(new Uri("v1.0/actors/NoSuchActor/1/method/Anything", UriKind.Relative), null, Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", body.GetProperty("errorCode").GetString());
        Assert.Contains("did not find address for actor 'NoSuchActor/1'", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reentrant_actor_may_call_itself()
    {
        await using var runtime = await StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("actors-reentrant");
        var actor = Proxy(app.Instance, ReentrantCounter, NewId());
        await actor.InvokeMethodAsync<int>("IncrementSlowlyAsync", Ct);

        Assert.Equal(1, await actor.InvokeMethodAsync<int>("GetCountThroughSelfAsync", Ct));
    }

    [Fact]
    public async Task Metadata_counts_active_actors()
    {
        await using var runtime = await StartRuntimeAsync();
        using var app = await runtime.StartTestAppAsync("actors-metadata");
        await Proxy(app.Instance, Counter, NewId()).InvokeMethodAsync<int>("IncrementSlowlyAsync", Ct);
        using var sidecar = TestRuntime.SidecarHttp(app.Instance);

        var metadata = await sidecar.GetFromJsonAsync<JsonElement>("v1.0/metadata", Ct);

        var actorRuntime = metadata.GetProperty("actorRuntime");
        Assert.True(actorRuntime.GetProperty("hostReady").GetBoolean());
        Assert.Contains(actorRuntime.GetProperty("activeActors").EnumerateArray(), a => a.GetProperty("type").GetString() == Counter && a.GetProperty("count").GetInt32() == 1);
    }

    [Fact]
    public async Task Two_instances_each_actor_is_active_on_exactly_one()
    {
        await using var runtime = await StartRuntimeAsync();
        using var first = await runtime.StartTestAppAsync("actors-scale");
        using var second = await runtime.StartTestAppAsync("actors-scale");
        var ids = Enumerable.Range(0, 20).Select(_ => NewId()).ToList();

        foreach (var id in ids)
        {
            var viaFirst = await Proxy(first.Instance, Counter, id).InvokeMethodAsync<string>("WhereAmIAsync", Ct);
            var viaSecond = await Proxy(second.Instance, Counter, id).InvokeMethodAsync<string>("WhereAmIAsync", Ct);
            Assert.Equal(viaFirst, viaSecond);
        }

        var activeOnFirst = await first.Http.GetFromJsonAsync<List<string>>("test/actors/active", Ct) ?? [];
        var activeOnSecond = await second.Http.GetFromJsonAsync<List<string>>("test/actors/active", Ct) ?? [];
        Assert.NotEmpty(activeOnFirst);
        Assert.NotEmpty(activeOnSecond);
        Assert.Empty(activeOnFirst.Intersect(activeOnSecond));
        Assert.Equal(ids.Select(id => $"{Counter}/{id}").Order(), activeOnFirst.Concat(activeOnSecond).Order());
    }

    [Theory]
    [InlineData(AppStopMode.Graceful)]
    [InlineData(AppStopMode.Kill)]
    public async Task Stopping_an_instance_moves_its_actors_with_their_state(AppStopMode mode)
    {
        await using var runtime = await StartRuntimeAsync();
        using var first = await runtime.StartTestAppAsync("actors-failover");
        using var second = await runtime.StartTestAppAsync("actors-failover");
        var ids = Enumerable.Range(0, 10).Select(_ => NewId()).ToList();
        foreach (var id in ids)
        {
            await Proxy(first.Instance, Counter, id).InvokeMethodAsync<int>("IncrementSlowlyAsync", Ct);
            await Proxy(second.Instance, Counter, id).InvokeMethodAsync<int>("IncrementSlowlyAsync", Ct);
        }

        await runtime.Runtime.StopAppAsync(first.Instance, mode, Ct);

        foreach (var id in ids)
        {
            var actor = Proxy(second.Instance, Counter, id);
            Assert.Equal(3, await actor.InvokeMethodAsync<int>("IncrementSlowlyAsync", Ct));
            Assert.Equal(second.Instance.AppPort.ToString(), await actor.InvokeMethodAsync<string>("WhereAmIAsync", Ct));
        }
    }

    private static Task<TestRuntime> StartRuntimeAsync() => TestRuntime.StartAsync(("state.yaml", TestRuntime.StateStoreYaml));

    private static ActorProxy Proxy(AppInstance sidecar, string actorType, string actorId, string? apiToken = null) =>
        ActorProxy.Create(new ActorId(actorId), actorType, new ActorProxyOptions
        {
            HttpEndpoint = $"http://127.0.0.1:{sidecar.HttpPort}/",
            RequestTimeout = TestRuntime.Timeout,
            DaprApiToken = apiToken,
        });

    private static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// The TestApp's parameter records, as the non-remoting proxy serialises them (JSON, web defaults).
    /// </summary>
    private sealed record ReminderSpec(string Name, string Data, TimeSpan DueTime, TimeSpan Period);

    private sealed record TimerSpec(string Name, string Data, TimeSpan DueTime, TimeSpan Period);

    private sealed record Meeting(string Group, int Parties);
}
