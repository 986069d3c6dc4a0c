using Microsoft.Extensions.Options;

namespace DaprOrders.Orders.Validation;

/// <summary>
/// Orders this instance accepted and has not yet seen decided (every instance sees every order event through its
/// broadcast subscription). It is what makes a POST wait behind validation: when it is full, new orders are refused
/// with a 503 instead of being accepted only to reach their deadline undecided. An entry whose verdict event never
/// arrives is forgotten after twice the validation deadline, so a missed event cannot close the door for good.
/// </summary>
internal sealed class ValidationsInFlight(IOptions<ValidationOptions> options, TimeProvider time)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, long> _acceptedAt = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_sync)
            {
                ForgetExpired();
                return _acceptedAt.Count;
            }
        }
    }

    /// <summary>True when one more order may be accepted now. Instances racing may pass the limit by a few.</summary>
    public bool HasRoom => Count < options.Value.MaxInFlight;

    public void Accepted(string orderId)
    {
        lock (_sync)
        {
            _acceptedAt[orderId] = time.GetTimestamp();
        }
    }

    public void Decided(string orderId)
    {
        lock (_sync)
        {
            _acceptedAt.Remove(orderId);
        }
    }

    private void ForgetExpired()
    {
        var keep = options.Value.Timeout * 2;
        foreach (var (orderId, acceptedAt) in _acceptedAt)
        {
            // Removing during enumeration is allowed for Dictionary<TKey, TValue>.Remove (since .NET Core 3.0).
            if (time.GetElapsedTime(acceptedAt) > keep)
            {
                _acceptedAt.Remove(orderId);
            }
        }
    }
}
