using DaprOrders.LocalDapr.Workflows;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// The workflow engine's timers, delayed starts and purges: each runs once its time has come, never before, in the
/// order of their times, whatever order they were set in.
/// </summary>
public sealed class WorkflowScheduleTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly WorkflowSchedule _schedule;
    private readonly List<string> _ran = [];

    public WorkflowScheduleTests() => _schedule = new WorkflowSchedule(_clock, NullLogger.Instance);

    public void Dispose() => _schedule.Dispose();

    private DateTime In(int seconds) => _clock.GetUtcNow().UtcDateTime.AddSeconds(seconds);

    private void At(DateTime due, string name) => _schedule.At(due, () =>
    {
        _ran.Add(name);
        return Task.CompletedTask;
    });

    [Fact]
    public void An_entry_runs_once_its_time_has_come_and_not_before()
    {
        At(In(30), "deadline");

        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(_ran);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["deadline"], _ran);
        Assert.Equal(0, _schedule.Count);

        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(["deadline"], _ran);
    }

    [Fact]
    public void A_sooner_entry_set_after_a_later_one_runs_first()
    {
        At(In(600), "purge");
        At(In(30), "deadline");
        At(In(30), "second deadline");

        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(["deadline", "second deadline"], _ran.Order());
        Assert.Equal(1, _schedule.Count);

        _clock.Advance(TimeSpan.FromSeconds(570));
        Assert.Equal(3, _ran.Count);
        Assert.Equal("purge", _ran[^1]);
    }

    [Fact]
    public void An_entry_due_already_runs_at_once()
    {
        At(In(-1), "late");

        _clock.Advance(TimeSpan.Zero);
        Assert.Equal(["late"], _ran);
    }

    [Fact]
    public void An_entry_further_ahead_than_one_timer_waits_runs_on_its_day()
    {
        At(In((int)TimeSpan.FromDays(3).TotalSeconds), "in three days");

        _clock.Advance(TimeSpan.FromDays(3) - TimeSpan.FromSeconds(1));
        Assert.Empty(_ran);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["in three days"], _ran);
    }

    [Fact]
    public void A_failing_entry_does_not_keep_the_others_from_running()
    {
        _schedule.At(In(10), () => throw new InvalidOperationException("boom"));
        _schedule.At(In(10), () => Task.FromException(new InvalidOperationException("boom")));
        At(In(10), "after");

        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(["after"], _ran);
    }

    [Fact]
    public void Nothing_runs_once_disposed()
    {
        At(In(10), "never");

        _schedule.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(10));
        At(In(10), "never either");
        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Empty(_ran);
    }
}
