using DaprOrders.LocalDapr.Sidecars;


namespace DaprOrders.LocalDapr.Actors;

/// <summary>
/// daprd's actor API errors (dapr pkg/api/errors/actor.go, pkg/messages/errorcodes): HTTP status and a JSON body
/// `{"errorCode","message"}`, which the SDK turns into DaprApiException(message, errorCode).
/// </summary>
public sealed record ActorError(int Status, string ErrorCode, string Message)
{
    public IResult ToResult() => SidecarApi.Error(Status, ErrorCode, Message);

    public static ActorError Invoke(string detail) =>
        new(StatusCodes.Status500InternalServerError, "ERR_ACTOR_INVOKE_METHOD", $"error invoke actor method: {detail}");

    /// <summary>
    /// The lookup found no host: daprd 1.18 answers after its placement wait with this message.
    /// </summary>
    public static ActorError NoHost(ActorKey key) =>
        Invoke($"failed to lookup actor: api error: code = FailedPrecondition desc = did not find address for actor '{key}'");

    public static ActorError StackDepth() =>
        new(StatusCodes.Status500InternalServerError, "ERR_ACTOR_STACK_DEPTH", "maximum stack depth exceeded");

    public static ActorError Malformed(string detail) =>
        new(StatusCodes.Status400BadRequest, "ERR_MALFORMED_REQUEST", $"failed deserializing HTTP body: {detail}");

    public static ActorError StateGet(string detail) =>
        new(StatusCodes.Status500InternalServerError, "ERR_ACTOR_STATE_GET", $"error getting actor state: {detail}");

    public static ActorError StateTransaction(string detail) =>
        new(StatusCodes.Status500InternalServerError, "ERR_ACTOR_STATE_TRANSACTION_SAVE", $"error saving actor transaction state: {detail}");

    public static ActorError ReminderNonHosted() =>
        new(StatusCodes.Status403Forbidden, "ERR_ACTOR_REMINDER_NON_HOSTED", "operations on actor reminders are only possible on hosted actor types");

    public static ActorError ReminderCreate(string detail) =>
        new(StatusCodes.Status500InternalServerError, "ERR_ACTOR_REMINDER_CREATE", $"error creating actor reminder: {detail}");

    public static ActorError ReminderExists(string name) =>
        new(StatusCodes.Status409Conflict, "ERR_ACTOR_REMINDER_ALREADY_EXISTS", $"actor reminder already exists: {name}");

    public static ActorError ReminderNotFound(string name) =>
        new(StatusCodes.Status404NotFound, "ERR_ACTOR_REMINDER_NOT_FOUND", $"actor reminder not found: {name}");

    public static ActorError TimerCreate(string detail) =>
        new(StatusCodes.Status500InternalServerError, "ERR_ACTOR_TIMER_CREATE", $"error creating actor timer: {detail}");
}
