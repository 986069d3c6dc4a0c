using DaprOrders.LocalDapr.Timing;
using Microsoft.Extensions.Time.Testing;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// The runtime's timer for work due at known times (the broker's member expiry, the actors' idle scan, the workflow
/// schedule): it fires at the soonest time asked of it, once, and again only when asked again.
/// </summary>
public sealed class SoonestTimerTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly SoonestTimer _timer;
    private readonly List<DateTimeOffset> _fired = [];
    private Action? _onFire;

    public SoonestTimerTests() => _timer = new SoonestTimer(_clock, () =>
    {
        _fired.Add(_clock.GetUtcNow());
        _onFire?.Invoke();
    });

    public void Dispose() => _timer.Dispose();

    [Fact]
    public void It_fires_once_at_the_soonest_time_asked_and_not_before()
    {
        var start = _clock.GetUtcNow();
        _timer.In(TimeSpan.FromSeconds(30));
        _timer.In(TimeSpan.FromSeconds(10));
        _timer.In(TimeSpan.FromSeconds(20));

        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(_fired);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([start.AddSeconds(10)], _fired);

        // The later times were not kept: nobody asked for them again.
        _clock.Advance(TimeSpan.FromSeconds(25));
        Assert.Single(_fired);
    }

    [Fact]
    public void What_the_callback_asks_for_sets_it_again()
    {
        var start = _clock.GetUtcNow();
        _onFire = () =>
        {
            if (_fired.Count < 3)
            {
                _timer.In(TimeSpan.FromSeconds(5));
            }
        };
        _timer.In(TimeSpan.FromSeconds(5));

        for (var i = 0; i < 5; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.Equal([start.AddSeconds(5), start.AddSeconds(10), start.AddSeconds(15)], _fired);
    }

    [Fact]
    public void A_time_beyond_the_longest_wait_still_comes()
    {
        var start = _clock.GetUtcNow();
        _timer.In(TimeSpan.FromDays(2));

        _clock.Advance(TimeSpan.FromDays(2) - TimeSpan.FromSeconds(1));
        Assert.Empty(_fired);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([start.AddDays(2)], _fired);
    }

    [Fact]
    public void Nothing_fires_after_it_is_disposed()
    {
        _timer.In(TimeSpan.FromSeconds(5));
        _timer.Dispose();
        _timer.In(TimeSpan.FromSeconds(1));

        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(_fired);
    }
}
