namespace DaprOrders.LocalDapr.Sidecars;

/// <summary>
/// Optional for a feature: lines `localdapr run` prints at start about where the feature listens
/// (e.g. "pubsub 'pubsub': Kafka bootstrap servers 127.0.0.1:39201,...").
/// </summary>
public interface IRuntimeEndpoints
{
    IEnumerable<string> DescribeEndpoints();
}
