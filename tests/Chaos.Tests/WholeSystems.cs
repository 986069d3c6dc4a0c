namespace DaprOrders.Chaos.Tests;

/// <summary>
/// Each test class here starts a whole system of its own: in one collection they run one at a time, so they do not
/// take each other's cores (the faults and the load are timed by the system, not by the test).
/// </summary>
[CollectionDefinition(Name)]
public sealed class WholeSystems
{
    public const string Name = "whole systems";
}
