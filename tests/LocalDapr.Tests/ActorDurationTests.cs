using DaprOrders.LocalDapr.Timing;


namespace DaprOrders.LocalDapr.Tests;

public sealed class ActorDurationTests
{
    [Theory]
    [InlineData("1h0m0s0ms", 3_600_000)]
    [InlineData("0h0m3s0ms", 3_000)]
    [InlineData("0h0m0s250ms", 250)]
    [InlineData("1.5s", 1_500)]
    [InlineData("-2m", -120_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("0", 0)]
    public void Go_durations_parse_as_go_does(string text, long milliseconds)
    {
        Assert.True(DaprDurations.TryParseGoDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("1d")]
    [InlineData("s")]
    [InlineData("PT5S")]
    public void Text_that_is_no_go_duration_is_rejected(string text) =>
        Assert.False(DaprDurations.TryParseGoDuration(text, out _));

    [Fact]
    public void Iso_duration_keeps_calendar_parts_and_repetitions()
    {
        Assert.True(DaprDurations.TryParseIsoDuration("R5/P1Y2M3W4DT5H6M7S", out var span, out var repetitions));
        Assert.Equal(new CalendarSpan(1, 2, 25, new TimeSpan(5, 6, 7)), span);
        Assert.Equal(5, repetitions);
    }

    [Fact]
    public void Iso_duration_without_repetitions_is_unbounded()
    {
        Assert.True(DaprDurations.TryParseIsoDuration("PT10S", out var span, out var repetitions));
        Assert.Equal(TimeSpan.FromSeconds(10), span.Clock);
        Assert.Equal(-1, repetitions);
    }

    [Fact]
    public void Empty_period_means_fire_once()
    {
        var period = DaprDurations.ParsePeriod("");
        Assert.False(period.Repeats);
    }

    [Fact]
    public void Period_with_zero_repetitions_is_rejected_as_daprd_does()
    {
        var error = Assert.Throws<FormatException>(() => DaprDurations.ParsePeriod("R0/PT1S"));
        Assert.Contains("has zero repetitions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Period_accepts_go_durations_as_the_sdk_sends_them()
    {
        var period = DaprDurations.ParsePeriod("0h1m0s0ms");
        Assert.True(period.Repeats);
        Assert.Equal(TimeSpan.FromMinutes(1), period.Span.Clock);
    }

    [Fact]
    public void Due_time_may_be_an_absolute_rfc3339_time()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero), DaprDurations.ParseTime("2026-03-04T05:06:07Z", now));
        Assert.Equal(now.AddSeconds(5), DaprDurations.ParseTime("0h0m5s0ms", now));
        Assert.Equal(now.AddMonths(1), DaprDurations.ParseTime("P1M", now));
    }

    [Fact]
    public void Due_time_with_repetitions_is_rejected() =>
        Assert.Throws<FormatException>(() => DaprDurations.ParseTime("R2/PT1S", DateTimeOffset.UnixEpoch));
}
