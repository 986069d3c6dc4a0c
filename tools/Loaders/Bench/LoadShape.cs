using static System.FormattableString;

namespace DaprOrders.Loaders.Bench;

/// <summary>
/// How a step loads the system: a closed loop keeps N orders under way (a new one when one is decided), an open
/// loop sends orders at a fixed rate whatever happened to earlier ones.
/// </summary>
internal abstract record LoadShape
{
    public abstract string Label { get; }
}

internal sealed record ClosedLoop(int InFlight) : LoadShape
{
    public override string Label => Invariant($"in-flight {InFlight}");
}

internal sealed record OpenLoop(double Rate) : LoadShape
{
    public override string Label => Invariant($"rate {Rate:0.###}/s");
}
