using Grpc.Core;

namespace DaprOrders.LocalDapr.Invocation;

/// <summary>
/// One service invocation as the calling sidecar received it, whichever API it came through: the target app id
/// (maybe `appId.namespace`), the method (the path on the app), the HTTP verb and raw query string, the caller's
/// headers (or gRPC metadata) and the body.
/// </summary>
public sealed record AppCall(
    string Target,
    string Method,
    string Verb,
    string QueryString,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    ReadOnlyMemory<byte> Body,
    string? ContentType);

/// <summary>
/// The app's answer, read whole: status, headers (content headers included, hop-by-hop ones dropped) and body.
/// </summary>
public sealed record AppAnswer(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, string? ContentType)
{
    /// <summary>
    /// daprd's test for an app answer that is not a failure: 200–399 (3xx is not followed, it is passed back).
    /// </summary>
    public bool IsSuccess => Status is >= 200 and <= 399;
}

/// <summary>
/// An invocation that produced no answer from the app: daprd's `ERR_DIRECT_INVOKE` with the reason
/// (<see cref="Reason"/>, worded as daprd words it, e.g. "couldn't find service: orders"), and the gRPC code the
/// callee's sidecar failed with (PermissionDenied is the one the HTTP API turns into 403).
/// </summary>
public sealed class InvocationException(string target, string reason, StatusCode code = StatusCode.Internal, bool raw = false)
    : Exception($"failed to invoke, id: {target}, err: {reason}")
{
    /// <summary>
    /// Why, without the "failed to invoke" prefix.
    /// </summary>
    public string Reason { get; } = reason;

    /// <summary>
    /// The gRPC code of the failure itself.
    /// </summary>
    public StatusCode Code { get; } = code;

    /// <summary>
    /// True for failures the gRPC API returns as they are rather than wrapped as Internal `ERR_DIRECT_INVOKE`:
    /// a timeout (DeadlineExceeded) and an open circuit breaker (Unknown).
    /// </summary>
    public bool Raw { get; } = raw;

    /// <summary>
    /// A failure daprd reports from the callee's sidecar, in grpc-go's words for a status error.
    /// </summary>
    public static InvocationException FromCallee(string target, StatusCode code, string description) =>
        new(target, $"rpc error: code = {code} desc = {description}", code);
}
