namespace DaprOrders.LocalDapr.Resiliency;

/// <summary>
/// A Resiliency circuit breaker as daprd runs it (sony/gobreaker behind dapr pkg/resiliency/breaker): closed, it
/// counts each call and opens when <see cref="CircuitBreakerPolicy.Trip"/> holds after a failure, clearing its counts
/// every <see cref="CircuitBreakerPolicy.Interval"/> (zero: never); open, it refuses calls for
/// <see cref="CircuitBreakerPolicy.Timeout"/>; then half-open, it lets <see cref="CircuitBreakerPolicy.MaxRequests"/>
/// calls through: that many successes close it, any failure opens it again.
/// </summary>
public sealed class CircuitBreaker(CircuitBreakerPolicy policy, TimeProvider time)
{
    private readonly Lock _gate = new();
    private BreakerState _state = BreakerState.Closed;
    private BreakerCounts _counts;
    private DateTimeOffset _expiry = policy.Interval > TimeSpan.Zero ? time.GetUtcNow() + policy.Interval : DateTimeOffset.MaxValue;

    // Bumped on every state change and count reset, so a late outcome of an earlier call is not counted again.
    private long _generation;

    /// <summary>
    /// The state now (an open breaker whose timeout passed reads half-open).
    /// </summary>
    public BreakerState State
    {
        get
        {
            lock (_gate)
            {
                Advance(time.GetUtcNow());
                return _state;
            }
        }
    }

    /// <summary>
    /// Asks to make a call: throws <see cref="CircuitOpenException"/> when the breaker refuses it; otherwise the caller
    /// must report the outcome with <see cref="Record"/>, passing the returned generation.
    /// </summary>
    public long Enter()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            Advance(now);
            if (_state == BreakerState.Open)
            {
                throw new CircuitOpenException("circuit breaker is open");
            }

            if (_state == BreakerState.HalfOpen && _counts.Requests >= MaxRequests)
            {
                throw new CircuitOpenException("too many requests");
            }

            _counts = _counts with { Requests = _counts.Requests + 1 };
            return _generation;
        }
    }

    /// <summary>
    /// The outcome of a call let through by <see cref="Enter"/>; outcomes from before a state change are ignored.
    /// </summary>
    public void Record(long generation, bool success)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            Advance(now);
            if (generation != _generation)
            {
                return;
            }

            if (success)
            {
                _counts = _counts with
                {
                    TotalSuccesses = _counts.TotalSuccesses + 1,
                    ConsecutiveSuccesses = _counts.ConsecutiveSuccesses + 1,
                    ConsecutiveFailures = 0,
                };
                if (_state == BreakerState.HalfOpen && _counts.ConsecutiveSuccesses >= MaxRequests)
                {
                    MoveTo(BreakerState.Closed, now);
                }

                return;
            }

            _counts = _counts with
            {
                TotalFailures = _counts.TotalFailures + 1,
                ConsecutiveFailures = _counts.ConsecutiveFailures + 1,
                ConsecutiveSuccesses = 0,
            };
            if (_state == BreakerState.HalfOpen || policy.Trip.IsMet(_counts))
            {
                MoveTo(BreakerState.Open, now);
            }
        }
    }

    // gobreaker lets one call through when half-open if maxRequests is 0.
    private long MaxRequests => Math.Max(1, policy.MaxRequests);

    private void Advance(DateTimeOffset now)
    {
        if (now < _expiry)
        {
            return;
        }

        if (_state == BreakerState.Closed)
        {
            NewGeneration(now);
        }
        else if (_state == BreakerState.Open)
        {
            MoveTo(BreakerState.HalfOpen, now);
        }
    }

    private void MoveTo(BreakerState state, DateTimeOffset now)
    {
        _state = state;
        NewGeneration(now);
    }

    private void NewGeneration(DateTimeOffset now)
    {
        _generation++;
        _counts = default;
        _expiry = _state switch
        {
            BreakerState.Open => now + policy.Timeout,
            BreakerState.Closed when policy.Interval > TimeSpan.Zero => now + policy.Interval,
            _ => DateTimeOffset.MaxValue,
        };
    }
}

/// <summary>
/// gobreaker's three states.
/// </summary>
public enum BreakerState
{
    /// <summary>Calls go through and are counted.</summary>
    Closed,

    /// <summary>Calls are refused until the timeout passes.</summary>
    Open,

    /// <summary>A few calls go through to probe the target.</summary>
    HalfOpen,
}

/// <summary>
/// A circuit breaker policy of a Resiliency resource (`spec.policies.circuitBreakers.{name}`); gobreaker's defaults
/// for what is not given: maxRequests 1, interval 0 (counts never cleared while closed), timeout 60s, and a trip of
/// more than five consecutive failures.
/// </summary>
public sealed record CircuitBreakerPolicy(long MaxRequests, TimeSpan Interval, TimeSpan Timeout, TripExpression Trip);

/// <summary>
/// A call the breaker refused; the message is gobreaker's ("circuit breaker is open", "too many requests").
/// </summary>
public sealed class CircuitOpenException(string message) : Exception(message);
