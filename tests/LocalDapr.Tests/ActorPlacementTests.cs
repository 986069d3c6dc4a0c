using DaprOrders.LocalDapr.Actors;
using DaprOrders.LocalDapr.Sidecars;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprOrders.LocalDapr.Tests;

public sealed class ActorPlacementTests
{
    private const string Type = "Counter";

    [Fact]
    public void Choice_depends_on_the_actor_not_on_host_order()
    {
        var a = Host("app", 0);
        var b = Host("app", 1);
        var ids = Ids(50);
        Assert.Equal(
            ids.Select(id => ActorPlacement.Choose(Type, id, [a, b])!.Name),
            ids.Select(id => ActorPlacement.Choose(Type, id, [b, a])!.Name));
    }

    [Fact]
    public void Actors_spread_over_hosts()
    {
        var hosts = new[] { Host("app", 0), Host("app", 1) };
        var owners = Ids(200).Select(id => ActorPlacement.Choose(Type, id, hosts)!.Name).ToHashSet();
        Assert.Equal(2, owners.Count);
    }

    [Fact]
    public void Only_the_actors_of_a_removed_host_move()
    {
        var placement = new ActorPlacement();
        var a = Host("app", 0);
        var b = Host("app", 1);
        var c = Host("app", 2);
        placement.Add(a);
        placement.Add(b);
        placement.Add(c);
        var ids = Ids(200);
        var before = ids.ToDictionary(id => id, id => placement.Lookup(Type, id));

        placement.Remove(b);

        foreach (var id in ids)
        {
            var now = placement.Lookup(Type, id);
            Assert.NotEqual(b, now);
            if (before[id] != b)
            {
                Assert.Equal(before[id], now);
            }
        }
    }

    [Fact]
    public async Task Lookup_waits_for_a_host_to_arrive()
    {
        var placement = new ActorPlacement();
        var waiting = placement.WaitForOwnerAsync(Type, "x", TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);

        var host = Host("app", 0);
        placement.Add(host);

        Assert.Equal(host, await waiting);
    }

    [Fact]
    public async Task Lookup_gives_up_after_its_timeout()
    {
        var placement = new ActorPlacement();
        Assert.Null(await placement.WaitForOwnerAsync(Type, "x", TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Hosting_is_known_per_app_id()
    {
        var placement = new ActorPlacement();
        placement.Add(Host("app", 0));
        Assert.True(placement.IsHostedBy(Type, "app"));
        Assert.False(placement.IsHostedBy(Type, "client"));
        Assert.False(placement.IsHostedBy("Other", "app"));
    }

    private static List<string> Ids(int count) => Enumerable.Range(0, count).Select(i => $"actor-{i}").ToList();

    private static ActorHost Host(string appId, int index)
    {
        var instance = new AppInstance(appId, index, 1000 + index, 2000 + index, 3000 + index, null, null);
        var sidecar = new Sidecar(instance, new AppChannel(instance, new HttpClient()), NullLogger.Instance);
        return new ActorHost(sidecar, ActorHostConfig.Parse("""{"entities":["Counter"]}"""));
    }
}
