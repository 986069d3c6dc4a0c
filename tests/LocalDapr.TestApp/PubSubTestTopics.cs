namespace DaprOrders.LocalDapr.TestApp;

/// <summary>
/// Component and topic names the TestApp subscribes to. One file, compiled into the TestApp and linked into
/// tests/LocalDapr.Tests, so the tests publish to exactly what the app subscribes to.
/// </summary>
public static class PubSubTestTopics
{
    public const string PubSubName = "pubsub";
    public const string BroadcastPubSub = "pubsub-broadcast";
    public const string Events = "events";
    public const string Envelopes = "envelopes";
    public const string Ordered = "ordered";
    public const string Broadcast = "broadcast";
    public const string Flaky = "flaky";
    public const string FlakyNoDeadLetter = "flaky-no-dead-letter";
    public const string DeadLetter = "dead-letter";
    public const string Slow = "slow";
    public const string Routed = "routed";
}
