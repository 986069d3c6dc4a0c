using DaprOrders.LocalDapr.Actors;

namespace DaprOrders.LocalDapr.Tests;

public sealed class ActorScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void One_shot_reminder_fires_once_at_its_due_time()
    {
        var schedule = ReminderSchedule.Create("0h0m5s0ms", "", null, Now, "reminder");
        Assert.Equal(Now.AddSeconds(5), schedule.FirstDue);
        Assert.Null(schedule.Following(schedule.FirstDue, 1));
    }

    [Fact]
    public void Empty_due_time_fires_at_registration()
    {
        var schedule = ReminderSchedule.Create("", "", null, Now, "reminder");
        Assert.Equal(Now, schedule.FirstDue);
    }

    [Fact]
    public void Repetitions_bound_the_total_number_of_fires()
    {
        var schedule = ReminderSchedule.Create("0s", "R3/PT10S", null, Now, "reminder");
        var fires = Fires(schedule, 10);
        Assert.Equal([Now, Now.AddSeconds(10), Now.AddSeconds(20)], fires);
    }

    [Fact]
    public void Ttl_ends_a_periodic_reminder()
    {
        var schedule = ReminderSchedule.Create("1s", "10s", "25s", Now, "reminder");
        Assert.Equal([Now.AddSeconds(1), Now.AddSeconds(11), Now.AddSeconds(21)], Fires(schedule, 10));
    }

    [Fact]
    public void Ttl_before_the_due_time_is_rejected()
    {
        var error = Assert.Throws<FormatException>(() => ReminderSchedule.Create("2026-01-01T13:00:00Z", "", "2026-01-01T12:30:00Z", Now, "reminder"));
        Assert.Contains("has already expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_period_is_reported_with_daprds_wording()
    {
        var error = Assert.Throws<FormatException>(() => ReminderSchedule.Create("0s", "often", null, Now, "timer"));
        Assert.StartsWith("invalid timer period", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reminder_callback_body_echoes_the_registration()
    {
        var request = ScheduleRequest.Parse("""{"dueTime":"0h0m1s0ms","period":"","data":"aGVsbG8=","ttl":""}"""u8);
        Assert.Equal("""{"data":"aGVsbG8=","dueTime":"0h0m1s0ms","period":""}""", System.Text.Encoding.UTF8.GetString(request.ReminderCallbackBody()));
    }

    [Fact]
    public void Timer_callback_body_names_the_callback()
    {
        var request = ScheduleRequest.Parse("""{"DueTime":"1s","Period":"2s","Callback":"OnTick"}"""u8);
        Assert.Equal("""{"callback":"OnTick","dueTime":"1s","period":"2s"}""", System.Text.Encoding.UTF8.GetString(request.TimerCallbackBody()));
    }

    [Fact]
    public void Overwrite_defaults_to_true()
    {
        Assert.True(ScheduleRequest.Parse("""{"dueTime":"1s"}"""u8).Overwrite);
        Assert.False(ScheduleRequest.Parse("""{"dueTime":"1s","overwrite":false}"""u8).Overwrite);
    }

    private static List<DateTimeOffset> Fires(ReminderSchedule schedule, int max)
    {
        var fires = new List<DateTimeOffset>();
        DateTimeOffset? due = schedule.FirstDue;
        while (due is { } current && fires.Count < max)
        {
            fires.Add(current);
            due = schedule.Following(current, fires.Count);
        }

        return fires;
    }
}
