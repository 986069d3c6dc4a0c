using System.Text;
using DaprOrders.LocalDapr.Actors;

namespace DaprOrders.LocalDapr.Tests;

public sealed class ActorConfigTests
{
    [Fact]
    public void Sdk_config_gives_each_type_its_options()
    {
        var config = ActorHostConfig.Parse("""
            {"entities":["Counter","Idle"],"actorIdleTimeout":"1h0m0s0ms","actorScanInterval":"0h0m30s0ms",
             "drainOngoingCallTimeout":"0h0m5s0ms","drainRebalancedActors":true,
             "reentrancy":{"enabled":false},
             "entitiesConfig":[{"entities":["Idle"],"actorIdleTimeout":"0h0m2s0ms","reentrancy":{"enabled":true,"maxStackDepth":8}}]}
            """);

        Assert.Equal(new ActorTypeOptions(TimeSpan.FromHours(1), TimeSpan.FromSeconds(5), true, false, 32), config.Types["Counter"]);
        Assert.Equal(new ActorTypeOptions(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), true, true, 8), config.Types["Idle"]);
    }

    [Fact]
    public void Missing_options_take_daprds_defaults_and_keys_match_case_insensitively()
    {
        var config = ActorHostConfig.Parse("""{"Entities":["Counter"]}""");
        Assert.Equal(ActorTypeOptions.Default, config.Types["Counter"]);
    }

    [Fact]
    public void Actor_state_transaction_maps_upserts_deletes_and_ttl()
    {
        var body = Encoding.UTF8.GetBytes("""
            [{"operation":"upsert","request":{"key":"count","value":{"n":1},"metadata":{"ttlInSeconds":"60"}}},
             {"operation":"delete","request":{"key":"old"}}]
            """);

        var operations = ActorsApi.ParseOperations(body, key => $"app||Counter||1||{key}");

        Assert.Equal(2, operations.Count);
        Assert.Equal("app||Counter||1||count", operations[0].Key);
        Assert.Equal("""{"n":1}""", Encoding.UTF8.GetString(operations[0].Value!.Value.Span));
        Assert.Equal(60, operations[0].TtlSeconds);
        Assert.Equal(new ActorStateOperation("app||Counter||1||old", null, null), operations[1]);
    }

    [Fact]
    public void Unknown_state_operation_is_refused() =>
        Assert.Throws<FormatException>(() => ActorsApi.ParseOperations("""[{"operation":"merge","request":{"key":"k"}}]"""u8.ToArray(), k => k));
}
