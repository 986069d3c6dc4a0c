using System.Globalization;

namespace DaprOrders.LocalDapr.Timing;

/// <summary>
/// A calendar-aware span as daprd parses it (dapr/kit time.ParseDuration): years, months and days are kept apart
/// from the clock part because they are added with calendar rules (AddYears, AddMonths, AddDays).
/// </summary>
public readonly record struct CalendarSpan(int Years, int Months, int Days, TimeSpan Clock)
{
    public bool IsZero => Years == 0 && Months == 0 && Days == 0 && Clock == TimeSpan.Zero;

    public DateTimeOffset AddTo(DateTimeOffset time) => time.AddYears(Years).AddMonths(Months).AddDays(Days).Add(Clock);
}

/// <summary>
/// The duration and time formats of daprd's actor API (dapr/kit time/time.go, dapr pkg/actors/api/period.go):
/// Go durations (`1h0m0s0ms`, `-1.5s`), ISO 8601 durations with optional repetitions (`R5/PT10S`, `P1DT2H`)
/// and, for points in time, RFC 3339.
/// </summary>
public static class DaprDurations
{
    /// <summary>
    /// Go's time.ParseDuration: a signed sequence of decimal numbers, each with a unit (ns, us, µs, ms, s, m, h).
    /// </summary>
    public static bool TryParseGoDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var i = 0;
        var negative = false;
        if (text[0] is '-' or '+')
        {
            negative = text[0] == '-';
            i++;
        }

        if (text.AsSpan(i).SequenceEqual("0"))
        {
            return true;
        }

        if (i == text.Length)
        {
            return false;
        }

        decimal totalTicks = 0;
        while (i < text.Length)
        {
            var numberStart = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            var number = text[numberStart..i];
            if (number.Length == 0 || number == "." || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            var unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.')
            {
                i++;
            }

            decimal? ticksPerUnit = text[unitStart..i] switch
            {
                "ns" => 0.01m,
                "us" or "µs" or "μs" => 10m,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => null,
            };
            if (ticksPerUnit is null)
            {
                return false;
            }

            totalTicks += value * ticksPerUnit.Value;
            if (totalTicks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
        }

        duration = TimeSpan.FromTicks((long)decimal.Truncate(negative ? -totalTicks : totalTicks));
        return true;
    }

    /// <summary>
    /// ISO 8601 duration as dapr/kit reads it: `[Rn/]P[nY][nM][nW][nD][T[nH][nM][nS]]`, integers only.
    /// <paramref name="repetitions"/> is -1 when no `Rn/` prefix is given (unbounded).
    /// </summary>
    public static bool TryParseIsoDuration(string text, out CalendarSpan span, out int repetitions)
    {
        span = default;
        repetitions = -1;
        if (text.Length < 2)
        {
            return false;
        }

        var i = 0;
        if (text[0] == 'R')
        {
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            var end = slash < 0 ? text.Length : slash;
            if (end < 2 || !int.TryParse(text.AsSpan(1, end - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out repetitions))
            {
                return false;
            }

            i = end + 1;
            if (i >= text.Length)
            {
                return true;
            }
        }

        if (text[i] != 'P')
        {
            return false;
        }

        i++;
        int years = 0, months = 0, days = 0;
        var clock = TimeSpan.Zero;
        var start = i;
        var inTime = false;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == 'T')
            {
                if (start != i)
                {
                    return false;
                }

                inTime = true;
                start = i + 1;
                continue;
            }

            if (!char.IsAsciiLetter(c))
            {
                continue;
            }

            if (start == i || !int.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                return false;
            }

            switch (c)
            {
                case 'Y' when !inTime: years = n; break;
                case 'W' when !inTime: days += n * 7; break;
                case 'D' when !inTime: days += n; break;
                case 'M' when !inTime: months = n; break;
                case 'H' when inTime: clock += TimeSpan.FromHours(n); break;
                case 'M' when inTime: clock += TimeSpan.FromMinutes(n); break;
                case 'S' when inTime: clock += TimeSpan.FromSeconds(n); break;
                default: return false;
            }

            start = i + 1;
        }

        span = new CalendarSpan(years, months, days, clock);
        return true;
    }

    /// <summary>
    /// A reminder or timer period (dapr/kit ParseDuration, then daprd's check): ISO 8601 first, then a Go
    /// duration. Empty means "fire once". `R0/...` is rejected as daprd does ("has zero repetitions").
    /// </summary>
    public static ReminderPeriod ParsePeriod(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return ReminderPeriod.Once;
        }

        if (TryParseIsoDuration(text, out var span, out var repetitions))
        {
            return repetitions == 0
                ? throw new FormatException($"invalid period '{text}': has zero repetitions")
                : new ReminderPeriod(text, span, repetitions);
        }

        if (TryParseGoDuration(text, out var duration))
        {
            return new ReminderPeriod(text, new CalendarSpan(0, 0, 0, duration), -1);
        }

        throw new FormatException($"unsupported duration format: {text}");
    }

    /// <summary>
    /// A due time or TTL (dapr/kit ParseTime): an ISO 8601 duration without repetitions or a Go duration, both
    /// added to <paramref name="offset"/>, or an absolute RFC 3339 time.
    /// </summary>
    public static DateTimeOffset ParseTime(string text, DateTimeOffset offset)
    {
        if (TryParseIsoDuration(text, out var span, out var repetitions))
        {
            return repetitions != -1 ? throw new FormatException("repetitions are not allowed") : span.AddTo(offset);
        }

        if (TryParseGoDuration(text, out var duration))
        {
            return offset.Add(duration);
        }

        if (DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        throw new FormatException($"unsupported time/duration format: {text}");
    }
}

/// <summary>
/// A parsed reminder/timer period. <see cref="Repetitions"/>: -1 unbounded, else the total number of fires.
/// </summary>
public sealed record ReminderPeriod(string Text, CalendarSpan Span, int Repetitions)
{
    public static ReminderPeriod Once { get; } = new(string.Empty, default, -1);

    /// <summary>
    /// As daprd's HasRepeats: a non-zero period and repetitions left. A negative period would walk backwards in
    /// time, so it counts as no period here.
    /// </summary>
    public bool Repeats => Repetitions != 0 && !Span.IsZero && Span.AddTo(DateTimeOffset.UnixEpoch) > DateTimeOffset.UnixEpoch;
}
