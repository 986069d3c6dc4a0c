using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Resiliency;
using DaprOrders.LocalDapr.Sidecars;
using DaprOrders.LocalDapr.Timing;

namespace DaprOrders.LocalDapr.PubSub;

/// <summary>
/// A `pubsub.kafka` component as the runtime runs it: its topic scopes, how it names consumer groups, where a new
/// group starts reading, and its own consume retry (components-contrib common/component/kafka metadata.go).
/// </summary>
public sealed class PubSubComponent
{
    public PubSubComponent(ComponentDefinition definition)
    {
        Definition = definition;
        Scopes = new TopicScopes(definition.Metadata);
        var where = $"{definition.SourceFile}: component '{definition.Name}'";
        InitialOffset = (Metadata("initialOffset") ?? "newest") switch
        {
            "newest" => Confluent.Kafka.AutoOffsetReset.Latest,
            "oldest" => Confluent.Kafka.AutoOffsetReset.Earliest,
            var other => throw new FormatException($"{where}: initialOffset '{other}' is neither oldest nor newest"),
        };
        ConsumeRetryEnabled = !bool.TryParse(Metadata("consumeRetryEnabled"), out var retry) || retry;
        ConsumeRetry = RetryPolicy.Decode(definition.Metadata, "backOff", where);
        var heartbeat = Metadata("heartbeatInterval") ?? "3s";
        var session = Metadata("sessionTimeout") ?? "10s";
        HeartbeatInterval = PositiveDuration("heartbeatInterval", heartbeat, where);
        SessionTimeout = PositiveDuration("sessionTimeout", session, where);
        if (HeartbeatInterval >= SessionTimeout)
        {
            // As Sarama's config validation: a member must heartbeat within its session.
            throw new FormatException($"{where}: heartbeatInterval ({heartbeat}) must be less than sessionTimeout ({session})");
        }
    }

    public ComponentDefinition Definition { get; }

    public string Name => Definition.Name;

    public TopicScopes Scopes { get; }

    /// <summary>
    /// Where a consumer group without committed offsets starts; Dapr's default is the newest offset.
    /// </summary>
    public Confluent.Kafka.AutoOffsetReset InitialOffset { get; }

    /// <summary>
    /// pubsub.kafka retries a message the app failed (after the resiliency policy and without a dead-letter topic)
    /// with its `backOff*` policy, blocking the partition meanwhile; on by default.
    /// </summary>
    public bool ConsumeRetryEnabled { get; }

    public RetryPolicy ConsumeRetry { get; }

    /// <summary>
    /// How often a consumer heartbeats to its group's coordinator (`heartbeatInterval`, default 3s). Members learn
    /// of a rebalance from a heartbeat's answer, so this bounds how long a join or a leave waits for the others.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; }

    /// <summary>
    /// How long the coordinator waits for a silent member before it gives its partitions to the others
    /// (`sessionTimeout`, default 10s): what a crashed instance's partitions wait.
    /// </summary>
    public TimeSpan SessionTimeout { get; }

    public bool IsVisibleTo(string appId) => Definition.IsVisibleTo(appId);

    /// <summary>
    /// The consumer group: `consumerGroup`, else `consumerID`, else the app id (daprd sets consumerID to the app id),
    /// with daprd's templates replaced: {appID}, {podName} (the instance name), {namespace} and {uuid} (one per
    /// component per sidecar, so each instance gets a group of its own).
    /// </summary>
    public string ConsumerGroupFor(AppInstance instance, Guid sidecarUuid)
    {
        var template = Metadata("consumerGroup") ?? Metadata("consumerID") ?? instance.AppId;
        return template
            .Replace("{appID}", instance.AppId, StringComparison.Ordinal)
            .Replace("{podName}", instance.InstanceName, StringComparison.Ordinal)
            .Replace("{namespace}", Namespace, StringComparison.Ordinal)
            .Replace("{uuid}", sidecarUuid.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Self-hosted daprd runs in the namespace of the NAMESPACE variable, "default" without it.
    /// </summary>
    private static string Namespace => Environment.GetEnvironmentVariable("NAMESPACE") is { Length: > 0 } ns ? ns : "default";

    private static TimeSpan PositiveDuration(string name, string text, string where) =>
        DaprDurations.TryParseGoDuration(text, out var value) && value > TimeSpan.Zero ? value
        : throw new FormatException($"{where}: {name} '{text}' is not a positive duration such as 3s");

    private string? Metadata(string name) =>
        Definition.Metadata.FirstOrDefault(m => string.Equals(m.Key, name, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } value ? value : null;
}
