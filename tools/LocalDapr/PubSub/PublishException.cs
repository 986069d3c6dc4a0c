namespace DaprOrders.LocalDapr.PubSub;

/// <summary>
/// Why a publish failed, with daprd's error code; the APIs turn it into their status codes
/// (pkg/api/errors/pubsub.go, pkg/messages/predefined.go).
/// </summary>
public sealed class PublishException(PublishError error, string errorCode, string message) : Exception(message)
{
    public PublishError Error { get; } = error;

    public string ErrorCode { get; } = errorCode;

    public static PublishException NotConfigured() =>
        new(PublishError.NotConfigured, "ERR_PUBSUB_NOT_CONFIGURED", "no pubsub is configured");

    public static PublishException EmptyName() =>
        new(PublishError.NotFound, "ERR_PUBSUB_EMPTY", "pubsub name is empty");

    public static PublishException NotFound(string pubsub) =>
        new(PublishError.NotFound, "ERR_PUBSUB_NOT_FOUND", $"pubsub {pubsub} is not found");

    public static PublishException EmptyTopic(string pubsub) =>
        new(PublishError.EmptyTopic, "ERR_TOPIC_NAME_EMPTY", $"topic is empty in pubsub {pubsub}");

    public static PublishException Forbidden(string pubsub, string topic, string appId) =>
        new(PublishError.Forbidden, "ERR_PUBSUB_FORBIDDEN", $"topic {topic} is not allowed for app id {appId} in pubsub {pubsub}");

    public static PublishException BadRequest(string pubsub, string reason) =>
        new(PublishError.BadRequest, "ERR_PUBSUB_CLOUD_EVENTS_SER", $"error when publishing to pubsub {pubsub}: {reason}");

    public static PublishException Failed(string pubsub, string topic, string reason) =>
        new(PublishError.Failed, "ERR_PUBSUB_PUBLISH_MESSAGE", $"error when publish to topic {topic} in pubsub {pubsub}: {reason}");
}

public enum PublishError
{
    NotConfigured,
    NotFound,
    EmptyTopic,
    Forbidden,
    BadRequest,
    Failed,
}
