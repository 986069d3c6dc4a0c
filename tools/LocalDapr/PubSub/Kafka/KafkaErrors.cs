namespace DaprOrders.LocalDapr.PubSub.Kafka;

/// <summary>The Kafka protocol's error codes this broker answers with (Kafka's protocol guide, "Error Codes").</summary>
internal static class KafkaErrors
{
    public const short None = 0;
    public const short OffsetOutOfRange = 1;
    public const short CorruptMessage = 2;
    public const short UnknownTopicOrPartition = 3;
    public const short InvalidTopic = 17;
    public const short IllegalGeneration = 22;
    public const short InconsistentGroupProtocol = 23;
    public const short InvalidGroupId = 24;
    public const short UnknownMemberId = 25;
    public const short RebalanceInProgress = 27;
    public const short UnsupportedVersion = 35;
    public const short TransactionalIdAuthorizationFailed = 53;
}
