using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.State;
using Microsoft.Extensions.Time.Testing;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// `ttlInSeconds` on a save, as state.in-memory honours it: the key reads as missing once its time is up, a
/// first write may then create it again, and the store's sweep (every second) drops it from memory unread.
/// </summary>
public sealed class StateStoreTtlTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryStateStore _store;

    public StateStoreTtlTests() =>
        _store = new InMemoryStateStore(new ComponentDefinition("statestore", "state.in-memory", "v1", new Dictionary<string, string>(), [], "statestore.yaml"), _clock);

    public void Dispose() => _store.Dispose();

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

    [Fact]
    public void The_sweep_drops_an_expired_key_that_nobody_reads_and_keeps_the_rest()
    {
        _store.Apply([Save("unpaid-join", ttlSeconds: 10), Save("order", ttlSeconds: null), Save("session", ttlSeconds: 60)]);

        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(3, _store.Count);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, _store.Count);
        Assert.NotNull(_store.Get("order"));
        Assert.NotNull(_store.Get("session"));
    }

    [Fact]
    public void The_sweep_goes_by_a_keys_latest_write()
    {
        _store.Apply([Save("extended", ttlSeconds: 5), Save("made-permanent", ttlSeconds: 5), Save("deleted", ttlSeconds: 5)]);
        _store.Apply([Save("extended", ttlSeconds: 30), Save("made-permanent", ttlSeconds: null), new StateDelete("deleted", null, false)]);

        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, _store.Count);

        _clock.Advance(TimeSpan.FromSeconds(25));
        Assert.Equal(1, _store.Count);
        Assert.NotNull(_store.Get("made-permanent"));
    }
}
