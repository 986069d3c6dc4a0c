using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.State;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// `ttlInSeconds` on a save, as state.in-memory honours it: the key reads as missing once its time is up, and a
/// first write may then create it again.
/// </summary>
public sealed class StateStoreTtlTests
{
    private readonly SteppedClock _clock = new();
    private readonly InMemoryStateStore _store;

    public StateStoreTtlTests() =>
        _store = new InMemoryStateStore(new ComponentDefinition("statestore", "state.in-memory", "v1", new Dictionary<string, string>(), [], "statestore.yaml"), _clock);

    private static StateUpsert Save(string key, int? ttlSeconds, bool firstWrite = false) =>
        new(key, "\"v\""u8.ToArray(), ETag: null, firstWrite, ttlSeconds);

    [Fact]
    public void A_key_saved_with_a_ttl_is_there_until_its_time_is_up()
    {
        _store.Apply([Save("k", ttlSeconds: 10)]);

        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(_clock.GetUtcNow().AddSeconds(1), _store.Get("k")?.ExpiresAt);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(_store.Get("k"));
    }

    [Fact]
    public void An_expired_key_may_be_created_again_by_a_first_write()
    {
        _store.Apply([Save("k", ttlSeconds: 5)]);
        Assert.Throws<StateETagMismatchException>(() => _store.Apply([Save("k", ttlSeconds: null, firstWrite: true)]));

        _clock.Advance(TimeSpan.FromSeconds(5));
        _store.Apply([Save("k", ttlSeconds: null, firstWrite: true)]);

        _clock.Advance(TimeSpan.FromDays(365));
        Assert.NotNull(_store.Get("k"));
    }

    [Fact]
    public void A_save_without_a_ttl_clears_the_earlier_one()
    {
        _store.Apply([Save("k", ttlSeconds: 5)]);
        _store.Apply([Save("k", ttlSeconds: null)]);

        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.NotNull(_store.Get("k"));
    }

    private sealed class SteppedClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
