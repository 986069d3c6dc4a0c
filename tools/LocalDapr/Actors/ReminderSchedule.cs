using DaprOrders.LocalDapr.Timing;

namespace DaprOrders.LocalDapr.Actors;

/// <summary>
/// When a reminder or timer fires, from daprd's rules (pkg/actors/api/reminders.go setReminderTimes, period.go):
/// the first fire is at the due time (registration time when empty), then every period, at most
/// `Rn` times in total, never after the TTL (counted from the first due time, or an absolute RFC 3339 time).
/// </summary>
public sealed record ReminderSchedule(DateTimeOffset FirstDue, ReminderPeriod Period, DateTimeOffset? Expiry)
{
    /// <summary>
    /// Parses the registration strings; throws <see cref="FormatException"/> with daprd's wording on bad input.
    /// </summary>
    public static ReminderSchedule Create(string? dueTime, string? period, string? ttl, DateTimeOffset now, string kind)
    {
        DateTimeOffset firstDue;
        try
        {
            firstDue = string.IsNullOrEmpty(dueTime) ? now : DaprDurations.ParseTime(dueTime, now);
        }
        catch (FormatException e)
        {
            throw new FormatException($"error parsing {kind} due time: {e.Message}", e);
        }

        ReminderPeriod parsedPeriod;
        try
        {
            parsedPeriod = DaprDurations.ParsePeriod(period);
        }
        catch (FormatException e)
        {
            throw new FormatException($"invalid {kind} period: {e.Message}", e);
        }

        DateTimeOffset? expiry = null;
        if (!string.IsNullOrEmpty(ttl))
        {
            try
            {
                expiry = DaprDurations.ParseTime(ttl, firstDue);
            }
            catch (FormatException e)
            {
                throw new FormatException($"error parsing {kind} TTL: {e.Message}", e);
            }

            if (now > expiry || firstDue > expiry)
            {
                throw new FormatException($"{kind} has already expired: dueTime: {firstDue:O} TTL: {ttl}");
            }
        }

        return new ReminderSchedule(firstDue, parsedPeriod, expiry);
    }

    /// <summary>
    /// The fire after the one due at <paramref name="due"/>, which was fire number <paramref name="firesSoFar"/>
    /// (1 for the first); null when the schedule is over.
    /// </summary>
    public DateTimeOffset? Following(DateTimeOffset due, int firesSoFar)
    {
        if (!Period.Repeats || (Period.Repetitions > 0 && firesSoFar >= Period.Repetitions))
        {
            return null;
        }

        var next = Period.Span.AddTo(due);
        return Expiry is { } expiry && next > expiry ? null : next;
    }
}
