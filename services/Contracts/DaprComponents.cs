namespace DaprOrders.Contracts;

/// <summary>Dapr component names, as declared in components/ and the Helm chart.</summary>
public static class DaprComponents
{
    /// <summary>The Kafka pub/sub every service publishes to and subscribes through (consumer group = app id).</summary>
    public const string PubSub = "pubsub";

    /// <summary>
    /// The same Kafka cluster with one consumer group per instance (consumerID "{uuid}"), so every instance
    /// of a service sees every message: the orders service uses it to wake long-polling GETs.
    /// </summary>
    public const string BroadcastPubSub = "pubsub-broadcast";

    /// <summary>State store for views and actor state (actorStateStore: "true").</summary>
    public const string StateStore = "statestore";

    /// <summary>The SMTP output binding used by the email service.</summary>
    public const string EmailBinding = "email";
}

/// <summary>Dapr app ids, one per deployable.</summary>
public static class AppIds
{
    /// <summary>REST API, single writer of the orders topic, validation orchestration.</summary>
    public const string Orders = "orders";

    /// <summary>Order details validator.</summary>
    public const string OrderDetails = "order-details";

    /// <summary>Fraud validator.</summary>
    public const string Fraud = "fraud";

    /// <summary>Inventory validator.</summary>
    public const string Inventory = "inventory";

    /// <summary>Email and enriched-order routing.</summary>
    public const string Email = "email";

    /// <summary>The orders grid page: a materialized view of orders joined with payments and customers.</summary>
    public const string Grid = "grid";

    /// <summary>The loaders CLI's sidecar: the only publisher of customers, payments and warehouse stock.</summary>
    public const string Loader = "loader";

    /// <summary>All app ids, for checks that names agree across code, components and charts.</summary>
    public static IReadOnlyList<string> All { get; } = [Orders, OrderDetails, Fraud, Inventory, Email, Grid, Loader];
}

/// <summary>Publish metadata keys Dapr understands.</summary>
public static class PublishMetadata
{
    /// <summary>pubsub.kafka uses it as the record key, so all events of one entity land in one partition, in order.</summary>
    public const string PartitionKey = "partitionKey";

    /// <summary>Metadata that keys a message by <paramref name="key"/>.</summary>
    public static IReadOnlyDictionary<string, string> KeyedBy(string key) =>
        new Dictionary<string, string> { [PartitionKey] = key };
}
