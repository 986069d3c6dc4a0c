using System.Collections.Concurrent;
using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Grpc;
using DaprOrders.LocalDapr.Resiliency;
using DaprOrders.LocalDapr.Sidecars;
using Grpc.Core;

namespace DaprOrders.LocalDapr.Invocation;

/// <summary>
/// Service invocation (docs developing-applications/building-blocks/service-invocation; dapr
/// pkg/messaging/direct_messaging.go): a sidecar calls an app by id, on one of its instances in turn (mDNS's round
/// robin), or its own app when the id is its own. Between sidecars the callee's access control decides
/// (<see cref="AccessControl"/>); the caller's resiliency policy for the target app wraps every attempt
/// (<see cref="AppResiliency"/>). Calls go to the app through the target sidecar's app channel, so they carry its
/// app API token. The sidecar-to-sidecar hop is in-process: nothing for daprd's built-in retries of an unreachable
/// sidecar to retry.
/// </summary>
public sealed class InvocationFeature(RuntimeResources resources, TimeProvider time) : ISidecarFeature
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Sidecar>> _sidecars = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Caller, string Target), int> _turns = new();
    private readonly ConcurrentDictionary<(string Caller, string Target), AppResiliency> _policies = new();
    private readonly ConcurrentDictionary<(string Caller, string Endpoint), CircuitBreaker> _breakers = new();
    private readonly AccessControl? _accessControl = AccessControl.From(resources);

    public void MapHttp(IEndpointRouteBuilder endpoints) => InvocationApi.MapHttp(endpoints, this);

    public void MapGrpc(DaprGrpcMethods methods) => InvocationApi.MapGrpc(methods, this);

    /// <summary>
    /// A sidecar is an instance of its app id from the first time its app is ready until the runtime stops: like a
    /// daprd registered in mDNS, it stays one while its app restarts (calls then fail at its app channel).
    /// </summary>
    public Task AppReadyAsync(Sidecar sidecar, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_sidecars.TryGetValue(sidecar.AppId, out var instances))
            {
                _sidecars[sidecar.AppId] = instances = [];
            }

            if (!instances.Contains(sidecar))
            {
                instances.Add(sidecar);
            }
        }

        return Task.CompletedTask;
    }

    public Task AppStoppedAsync(Sidecar sidecar, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Invokes <paramref name="call"/> for <paramref name="caller"/>'s app. Returns the app's answer, whatever its
    /// status (after the retries the policy allows); throws <see cref="InvocationException"/> when there is none.
    /// <paramref name="anyFailureRetries"/>: the gRPC API, where an app's non-2xx answer is an error that a retry
    /// policy retries whatever its `matching`.
    /// </summary>
    public async Task<AppAnswer> InvokeAsync(Sidecar caller, AppCall call, bool anyFailureRetries, CancellationToken cancellationToken)
    {
        var method = MethodNames.Normalize(call.Method)
            ?? throw InvocationException.FromCallee(call.Target, StatusCode.InvalidArgument, MethodNames.Problem(call.Method));
        var (appId, ns) = SplitTarget(call.Target);
        var policy = _policies.GetOrAdd((caller.AppId, appId), key => AppResiliency.For(resources, key.Caller, key.Target));
        var breaker = policy.CircuitBreaker is { } breakerPolicy
            ? _breakers.GetOrAdd((caller.Instance.InstanceName, $"{appId}:{method}"), _ => new CircuitBreaker(breakerPolicy, time))
            : null;

        var started = time.GetUtcNow();
        for (var retry = 1; ; retry++)
        {
            AppAnswer? answer = null;
            InvocationException? failure = null;
            long generation = 0;
            try
            {
                generation = breaker?.Enter() ?? 0;
                answer = await AttemptAsync(caller, call with { Method = method }, appId, ns, policy.Timeout, cancellationToken);
            }
            catch (CircuitOpenException e)
            {
                // An open breaker is final: not retried (dapr pkg/resiliency/breaker IsErrorPermanent).
                throw new InvocationException(call.Target, e.Message, StatusCode.Unknown, raw: true);
            }
            catch (InvocationException e)
            {
                failure = e;
            }

            var succeeded = answer is { IsSuccess: true } && (!anyFailureRetries || answer.Status < 300);
            breaker?.Record(generation, succeeded);
            if (succeeded)
            {
                return answer!;
            }

            var worthRetrying = failure is not null || anyFailureRetries || policy.RetryMatching.RetriesHttp(answer!.Status);
            if (policy.Retry?.DelayBefore(retry, time.GetUtcNow() - started) is not { } delay || !worthRetrying)
            {
                return answer ?? throw failure!;
            }

            await Task.Delay(delay, time, cancellationToken);
        }
    }

    private async Task<AppAnswer> AttemptAsync(Sidecar caller, AppCall call, string appId, string ns, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        // The caller's own app id in its own namespace is a local call: its own app, no access control.
        var local = appId == caller.AppId && ns == AccessControl.LocalNamespace;
        var target = local ? caller : Pick(caller, appId) ?? throw new InvocationException(call.Target, $"couldn't find service: {appId}");
        if (!local && _accessControl is { } accessControl)
        {
            var identity = new CallerIdentity(caller.AppId, AccessControl.LocalNamespace, AccessControl.DefaultTrustDomain);
            if (!accessControl.Allows(identity, call.Method, call.Verb, calleeIsHttp: true))
            {
                throw InvocationException.FromCallee(call.Target, StatusCode.PermissionDenied, AccessControl.DenialMessage(identity, call.Method, call.Verb));
            }
        }

        if (target.App.BaseAddress is null)
        {
            throw local
                ? new InvocationException(call.Target, "cannot invoke local endpoint: app channel not initialized")
                : InvocationException.FromCallee(call.Target, StatusCode.Internal, "app channel is not initialized");
        }

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } perAttempt)
        {
            attempt.CancelAfter(perAttempt);
        }

        try
        {
            using var request = AppRequests.ToApp(call, call.Method, caller.AppId, appId, remote: !local);
            using var response = await target.App.SendAsync(request, attempt.Token);
            return await AppRequests.FromAppAsync(response, attempt.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvocationException(call.Target, "context deadline exceeded", StatusCode.DeadlineExceeded, raw: true);
        }
        catch (HttpRequestException e)
        {
            var reason = $"error invoking app channel: {e.Message}";
            throw local ? new InvocationException(call.Target, reason) : InvocationException.FromCallee(call.Target, StatusCode.Internal, reason);
        }
    }

    /// <summary>
    /// Where a proxied gRPC call (`dapr-app-id` metadata on the sidecar's gRPC port) goes: the caller's own app when
    /// the id is its own (whatever the namespace), else an instance in turn. Access control applies to both, with the
    /// full method name (`/package.Service/Method`) as the operation (dapr pkg/messaging/grpc_proxy.go); daprd checks
    /// a call to its own app with no caller identity, so only the global default action decides it.
    /// </summary>
    public (Sidecar Target, bool Local) ProxyTarget(Sidecar caller, string target, string fullMethod)
    {
        var (appId, _) = SplitTarget(target);
        var local = appId == caller.AppId;
        var sidecar = local ? caller : Pick(caller, appId) ?? throw new InvocationException(target, $"couldn't find service: {appId}", StatusCode.Unknown, raw: true);
        if (_accessControl is { } accessControl)
        {
            var identity = local ? null : new CallerIdentity(caller.AppId, AccessControl.LocalNamespace, AccessControl.DefaultTrustDomain);
            if (!accessControl.Allows(identity, fullMethod, null, calleeIsHttp: false))
            {
                throw new InvocationException(target, AccessControl.DenialMessage(identity, fullMethod.TrimStart('/'), null), StatusCode.PermissionDenied, raw: true);
            }
        }

        return (sidecar, local);
    }

    /// <summary>
    /// The next instance of <paramref name="appId"/> for this caller, in turn; null when the id has none.
    /// </summary>
    private Sidecar? Pick(Sidecar caller, string appId)
    {
        Sidecar[] instances;
        lock (_gate)
        {
            if (!_sidecars.TryGetValue(appId, out var list) || list.Count == 0)
            {
                return null;
            }

            instances = [.. list];
        }

        var turn = _turns.AddOrUpdate((caller.Instance.InstanceName, appId), 0, (_, last) => unchecked(last + 1));
        return instances[(int)((uint)turn % (uint)instances.Length)];
    }

    /// <summary>
    /// `appId` or `appId.namespace` (split at every dot: more than one is an invalid id). mDNS does not look at the
    /// namespace, so any namespace finds the app; only a call to the caller's own id in its own namespace is local.
    /// </summary>
    private static (string AppId, string Namespace) SplitTarget(string target)
    {
        var parts = target.Split('.');
        return parts.Length switch
        {
            _ when target.Length == 0 => throw new InvocationException(target, "app id is empty"),
            1 => (target, AccessControl.LocalNamespace),
            2 => (parts[0], parts[1]),
            _ => throw new InvocationException(target, $"invalid app id {target}"),
        };
    }
}
