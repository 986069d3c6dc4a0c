namespace DaprOrders.Loaders.Http;

/// <summary>
/// The outcome of one call: success, or why not, in words fit for a summary (no per-request details, so equal
/// failures of many requests count as one reason).
/// </summary>
internal readonly record struct CallResult(string? Failure)
{
    public static CallResult Success { get; } = new((string?)null);

    public bool Succeeded => Failure is null;
}
