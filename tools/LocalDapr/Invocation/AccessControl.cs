using DaprOrders.LocalDapr.Components;

namespace DaprOrders.LocalDapr.Invocation;

/// <summary>
/// The Configuration's `spec.accessControl` for service invocation, as daprd applies it on the callee's side
/// (dapr pkg/acl/acl.go, pkg/config/acl_trie.go; docs operations/configuration/invoke-allowlist.md): the caller is
/// looked up by app id and namespace; its policy applies only when trust domain and namespace match too; then the
/// first operation pattern that matches the method decides, by HTTP verb (or `*`) for HTTP apps, else the caller's
/// `defaultAction`, else the global one. Operation names and methods are compared in lower case for HTTP apps.
/// daprd knows the caller from its mTLS certificate (SPIFFE id); the local runtime knows the calling sidecar and
/// gives it the identity Sentry would: trust domain `public`, namespace `default`.
/// </summary>
public sealed class AccessControl
{
    /// <summary>
    /// Sentry's default trust domain, also the ACL's when it names none (dapr pkg/config DefaultTrustDomain).
    /// </summary>
    public const string DefaultTrustDomain = "public";

    /// <summary>
    /// The namespace of every local app: what a self-hosted sidecar's SPIFFE id carries without NAMESPACE set.
    /// </summary>
    public const string LocalNamespace = "default";

    private readonly bool _allowByDefault;
    private readonly Dictionary<(string AppId, string Namespace), CallerPolicy> _callers;

    private AccessControl(bool allowByDefault, Dictionary<(string, string), CallerPolicy> callers)
    {
        _allowByDefault = allowByDefault;
        _callers = callers;
    }

    /// <summary>
    /// The Configuration's access control, or null when it has none (every call allowed).
    /// </summary>
    public static AccessControl? From(RuntimeResources resources)
    {
        if (resources.Configuration() is not { } configuration
            || configuration.Spec.GetValueOrDefault("accessControl") is not IReadOnlyDictionary<string, object?> spec)
        {
            return null;
        }

        var file = configuration.SourceFile;
        var policies = spec.GetValueOrDefault("policies") switch
        {
            null => [],
            IReadOnlyList<object?> list => list,
            _ => throw new ResourceException(file, "spec.accessControl.policies", null, "must be a list of caller policies"),
        };
        var defaultAction = Action(spec, "defaultAction", "spec.accessControl.defaultAction", file);
        if (defaultAction is null && spec.GetValueOrDefault("trustDomain") is null && policies.Count == 0)
        {
            return null;
        }

        var callers = new Dictionary<(string, string), CallerPolicy>();
        var incomplete = new List<string>();
        for (var i = 0; i < policies.Count; i++)
        {
            var at = $"spec.accessControl.policies[{i}]";
            if (policies[i] is not IReadOnlyDictionary<string, object?> policy)
            {
                throw new ResourceException(file, at, null, "a caller policy must be a mapping");
            }

            var appId = policy.GetValueOrDefault("appId") as string;
            var trustDomain = policy.GetValueOrDefault("trustDomain") as string;
            var ns = policy.GetValueOrDefault("namespace") as string;
            if (string.IsNullOrEmpty(appId) || string.IsNullOrEmpty(trustDomain) || string.IsNullOrEmpty(ns))
            {
                // daprd refuses to start with such a policy: every caller policy names app id, trust domain and namespace.
                incomplete.Add($"{at} ({appId ?? "no appId"})");
                continue;
            }

            callers[(appId, ns)] = new CallerPolicy(
                trustDomain,
                Action(policy, "defaultAction", at + ".defaultAction", file),
                Operations(policy, at, file));
        }

        if (incomplete.Count > 0)
        {
            throw new ResourceException(file, "spec.accessControl.policies", null,
                $"every caller policy needs appId, trustDomain and namespace; incomplete: {string.Join(", ", incomplete)}");
        }

        // daprd: no global default action means deny when there are policies, allow when the list is explicitly empty.
        var allow = defaultAction ?? spec.GetValueOrDefault("policies") is IReadOnlyList<object?> { Count: 0 };
        return new AccessControl(allow, callers);
    }

    /// <summary>
    /// Whether <paramref name="caller"/> may invoke <paramref name="method"/> with <paramref name="httpVerb"/> (null:
    /// a gRPC call, daprd's verb NONE) on an app that speaks HTTP (<paramref name="calleeIsHttp"/>) or gRPC. A caller
    /// with no identity (no certificate) gets the global default action.
    /// </summary>
    public bool Allows(CallerIdentity? caller, string method, string? httpVerb, bool calleeIsHttp)
    {
        if (caller is null
            || !_callers.TryGetValue((caller.AppId, caller.Namespace), out var policy)
            || !string.Equals(policy.TrustDomain, caller.TrustDomain, StringComparison.Ordinal))
        {
            return _allowByDefault;
        }

        var operation = method.StartsWith('/') ? method : "/" + method;
        if (calleeIsHttp)
        {
            operation = operation.ToLowerInvariant();
        }

        var action = policy.DefaultAction ?? _allowByDefault;
        if (policy.Operations.Match(operation, calleeIsHttp) is not { } rule)
        {
            return action;
        }

        if (!calleeIsHttp)
        {
            return rule.Action;
        }

        if (httpVerb is null)
        {
            return policy.DefaultAction ?? false;
        }

        return rule.Verbs.Contains(httpVerb) ? rule.Action
            : rule.Verbs.Contains("*") ? rule.Action
            : action;
    }

    /// <summary>
    /// daprd's words when the policy denies a call.
    /// </summary>
    public static string DenialMessage(CallerIdentity? caller, string method, string? httpVerb) =>
        $"access control policy has denied access to id: {caller?.SpiffeId} operation: {method} verb: {httpVerb ?? "NONE"}";

    private static bool? Action(IReadOnlyDictionary<string, object?> map, string key, string at, string file) =>
        map.GetValueOrDefault(key) switch
        {
            null => null,
            string text when text.Equals("allow", StringComparison.OrdinalIgnoreCase) => true,
            string text when text.Equals("deny", StringComparison.OrdinalIgnoreCase) => false,
            var other => throw new ResourceException(file, at, null, $"'{other}' is neither allow nor deny"),
        };

    private static OperationTree Operations(IReadOnlyDictionary<string, object?> policy, string at, string file)
    {
        var tree = new OperationTree();
        if (policy.GetValueOrDefault("operations") is not IReadOnlyList<object?> operations)
        {
            return tree;
        }

        for (var i = 0; i < operations.Count; i++)
        {
            var where = $"{at}.operations[{i}]";
            if (operations[i] is not IReadOnlyDictionary<string, object?> operation
                || operation.GetValueOrDefault("name") is not string { Length: > 0 } name)
            {
                throw new ResourceException(file, where, null, "an operation needs a name");
            }

            var verbs = operation.GetValueOrDefault("httpVerb") as IReadOnlyList<object?> ?? [];
            tree.Add(name.StartsWith('/') ? name : "/" + name, new OperationRule(
                verbs.OfType<string>().ToHashSet(StringComparer.Ordinal),
                Action(operation, "action", where + ".action", file) ?? false));
        }

        return tree;
    }

    private sealed record CallerPolicy(string TrustDomain, bool? DefaultAction, OperationTree Operations);
}

/// <summary>
/// Who calls, as the callee's sidecar sees it.
/// </summary>
public sealed record CallerIdentity(string AppId, string Namespace, string TrustDomain)
{
    /// <summary>
    /// The SPIFFE id Sentry issues: `spiffe://{trust domain}/ns/{namespace}/{app id}`.
    /// </summary>
    public string SpiffeId => $"spiffe://{TrustDomain}/ns/{Namespace}/{AppId}";
}

/// <summary>
/// What an operation pattern of a caller policy says: the verbs it names and its action.
/// </summary>
public sealed record OperationRule(IReadOnlySet<string> Verbs, bool Action);
