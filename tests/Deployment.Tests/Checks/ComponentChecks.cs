using System.Text.RegularExpressions;
using DaprOrders.Contracts;
using DaprOrders.Deployment.Tests.Helm;
using DaprOrders.Deployment.Tests.Yaml;

namespace DaprOrders.Deployment.Tests.Checks;

/// <summary>
/// Dapr resources against the fields Dapr's documentation defines (component spec, pubsub.kafka, state.redis,
/// bindings.smtp, Resiliency, Configuration) and against the names in Contracts. Each method returns the problems
/// it finds; an empty list means the check passed.
/// </summary>
public static partial class ComponentChecks
{
    private static readonly HashSet<string> DaprKinds = ["Component", "Resiliency", "Configuration"];

    /// <summary>Required metadata per component type (docs.dapr.io, components reference: "Required: Y").</summary>
    private static readonly Dictionary<string, string[]> RequiredMetadata = new(StringComparer.Ordinal)
    {
        ["pubsub.kafka"] = ["brokers", "authType"],
        ["state.redis"] = ["redisHost"],
        ["bindings.smtp"] = ["host", "port"],
    };

    private static readonly HashSet<string> KafkaAuthTypes = ["none", "password", "mtls", "oidc", "awsiam"];

    /// <summary>Problems of the resources' shape, one line each.</summary>
    /// <param name="resources">The resources to check.</param>
    public static IEnumerable<string> Schema(DaprResources resources)
    {
        foreach (var resource in resources.All)
        {
            var where = $"{resources.Place}/{resource.Template} {resource.Kind}/{resource.Name}";
            if (resource.Body.Text("apiVersion") != DaprResources.ApiVersion)
            {
                yield return $"{where}: apiVersion must be {DaprResources.ApiVersion}";
            }

            if (resource.Kind is null || !DaprKinds.Contains(resource.Kind))
            {
                yield return $"{where}: kind must be one of {string.Join(", ", DaprKinds)}";
            }

            if (string.IsNullOrEmpty(resource.Name))
            {
                yield return $"{where}: metadata.name is required";
            }

            var problems = resource.Kind switch
            {
                "Component" => ComponentSchema(resource),
                "Configuration" => ConfigurationSchema(resource),
                "Resiliency" => resource.Body.Map("spec.policies").Count == 0 || resource.Body.Map("spec.targets").Count == 0
                    ? ["spec.policies and spec.targets are required"]
                    : [],
                _ => [],
            };
            foreach (var problem in problems)
            {
                yield return $"{where}: {problem}";
            }
        }
    }

    private static IEnumerable<string> ComponentSchema(Manifest component)
    {
        var type = component.Body.Text("spec.type") ?? "";
        if (!ComponentType().IsMatch(type))
        {
            yield return $"spec.type '{type}' is not <building block>.<name>";
        }

        if (component.Body.Text("spec.version") != "v1")
        {
            yield return "spec.version must be v1";
        }

        var items = component.Body.List("spec.metadata");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var name = item.Text("name");
            if (string.IsNullOrEmpty(name))
            {
                yield return "a spec.metadata entry has no name";
                continue;
            }

            if (!names.Add(name))
            {
                yield return $"spec.metadata '{name}' appears twice";
            }

            var hasValue = item is Dictionary<string, object?> map && map.ContainsKey("value");
            var secret = item.At("secretKeyRef");
            if (hasValue == (secret is not null))
            {
                yield return $"spec.metadata '{name}' needs exactly one of value and secretKeyRef";
            }

            if (secret is not null && (string.IsNullOrEmpty(secret.Text("name")) || string.IsNullOrEmpty(secret.Text("key"))))
            {
                yield return $"spec.metadata '{name}': secretKeyRef needs name and key";
            }
        }

        foreach (var required in RequiredMetadata.GetValueOrDefault(type, []))
        {
            if (!names.Contains(required))
            {
                yield return $"{type} requires metadata '{required}'";
            }
        }

        if (type == "pubsub.kafka")
        {
            foreach (var problem in KafkaSchema(component))
            {
                yield return problem;
            }
        }

        var actorStateStore = DaprResources.Value(component, "actorStateStore");
        if (actorStateStore is not null && (!type.StartsWith("state.", StringComparison.Ordinal) || actorStateStore != "true"))
        {
            yield return "actorStateStore must be \"true\" and only on a state store";
        }

        foreach (var scope in component.Body.List("scopes"))
        {
            if (scope is not string)
            {
                yield return "scopes must be a list of app ids";
            }
        }
    }

    private static IEnumerable<string> KafkaSchema(Manifest component)
    {
        var metadata = DaprResources.Metadata(component);
        var authType = DaprResources.Value(component, "authType") ?? "";
        if (!KafkaAuthTypes.Contains(authType))
        {
            yield return $"authType '{authType}' is not one of {string.Join(", ", KafkaAuthTypes)}";
        }

        if (authType == "password" && !(metadata.ContainsKey("saslUsername") && metadata.ContainsKey("saslPassword")))
        {
            yield return "authType password requires saslUsername and saslPassword";
        }

        if (authType == "password" && metadata.GetValueOrDefault("saslPassword").At("secretKeyRef") is null)
        {
            yield return "saslPassword must come from a secret (secretKeyRef)";
        }

        // "By default TLS is enabled to secure the transport layer to Kafka" (pubsub.kafka docs): a broker without
        // authentication is a plain listener here, so the component must say disableTls.
        if (authType == "none" && DaprResources.Value(component, "disableTls") != "true")
        {
            yield return "authType none (a plain listener) needs disableTls \"true\": pubsub.kafka uses TLS by default";
        }

        var offset = DaprResources.Value(component, "initialOffset");
        if (offset is not null and not ("oldest" or "newest"))
        {
            yield return $"initialOffset '{offset}' is not oldest or newest";
        }
    }

    private static IEnumerable<string> ConfigurationSchema(Manifest configuration)
    {
        if (configuration.Name == "daprsystem")
        {
            if (configuration.Body.At("spec.mtls.enabled") is not true)
            {
                yield return "the control plane configuration must keep spec.mtls.enabled: true";
            }

            yield break;
        }

        var rate = configuration.Body.Text("spec.tracing.samplingRate");
        if (rate is null || !double.TryParse(rate, System.Globalization.CultureInfo.InvariantCulture, out var r) || r is < 0 or > 1)
        {
            yield return "spec.tracing.samplingRate must be a string between 0 and 1";
        }

        // Locally the traces go to the Zipkin that `dapr init` starts (as in its ~/.dapr/config.yaml), on a cluster
        // to an OTLP collector.
        if (configuration.Body.At("spec.tracing.zipkin") is not null)
        {
            if (configuration.Body.Text("spec.tracing.zipkin.endpointAddress") is not { } zipkin
                || !Uri.TryCreate(zipkin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                yield return "spec.tracing.zipkin.endpointAddress must be an http(s) URL";
            }
        }
        else
        {
            if (string.IsNullOrEmpty(configuration.Body.Text("spec.tracing.otel.endpointAddress")))
            {
                yield return "spec.tracing.otel.endpointAddress is required (traces go to an OTLP collector)";
            }

            if (configuration.Body.Text("spec.tracing.otel.protocol") is not ("grpc" or "http"))
            {
                yield return "spec.tracing.otel.protocol must be grpc or http";
            }

            if (configuration.Body.At("spec.tracing.otel.isSecure") is not bool)
            {
                yield return "spec.tracing.otel.isSecure must be a boolean";
            }
        }

        foreach (var problem in WorkflowSchema(configuration.Body.At("spec.workflow")))
        {
            yield return problem;
        }
    }

    /// <summary>
    /// Fields of Configuration spec.workflow (daprd pkg/apis/configuration/v1alpha1 WorkflowSpec, v1.18): per-sidecar
    /// limits since 1.13, global and per-name limits since 1.18, stateRetentionPolicy since 1.17 (docs/kubernetes.md,
    /// "The orders workflow on daprd").
    /// </summary>
    private static readonly HashSet<string> WorkflowFields =
    [
        "maxConcurrentWorkflowInvocations", "maxConcurrentActivityInvocations",
        "globalMaxConcurrentWorkflowInvocations", "globalMaxConcurrentActivityInvocations",
        "workflowConcurrencyLimits", "activityConcurrencyLimits", "stateRetentionPolicy",
    ];

    /// <summary>The terminal states a retention TTL can name (WorkflowStateRetentionPolicy).</summary>
    private static readonly HashSet<string> RetentionStates = ["anyTerminal", "completed", "failed", "terminated"];

    private static IEnumerable<string> WorkflowSchema(object? workflow)
    {
        if (workflow is null)
        {
            yield break;
        }

        if (workflow is not Dictionary<string, object?> fields)
        {
            yield return "spec.workflow must be a mapping";
            yield break;
        }

        foreach (var (name, value) in fields)
        {
            if (!WorkflowFields.Contains(name))
            {
                yield return $"spec.workflow.{name} is not a workflow setting ({string.Join(", ", WorkflowFields.Order(StringComparer.Ordinal))})";
            }
            else if (name.Contains("MaxConcurrent", StringComparison.Ordinal) || name.StartsWith("maxConcurrent", StringComparison.Ordinal))
            {
                if (value is not long limit || limit < 1 || limit > int.MaxValue)
                {
                    yield return $"spec.workflow.{name} must be a positive int32 (omit it for no limit)";
                }
            }
        }

        foreach (var (state, ttl) in workflow.Map("stateRetentionPolicy"))
        {
            if (!RetentionStates.Contains(state))
            {
                yield return $"spec.workflow.stateRetentionPolicy.{state} is not a terminal state ({string.Join(", ", RetentionStates.Order(StringComparer.Ordinal))})";
            }

            // The CRD types them as strings since Dapr 1.17.2 (metav1.Duration); a number is rejected.
            if (ttl is not string text || !GoDuration().IsMatch(text))
            {
                yield return $"spec.workflow.stateRetentionPolicy.{state} '{YamlPath.Format(ttl)}' is not a Go duration string (\"1h\", \"30m\")";
            }
        }
    }

    /// <summary>Every component Contracts names exists once, every component is named in Contracts, one actor store.</summary>
    public static IEnumerable<string> NamesAgreeWithContracts(DaprResources resources)
    {
        foreach (var name in Names.Components)
        {
            var count = resources.Components.Count(c => c.Name == name);
            if (count != 1)
            {
                yield return $"{resources.Place}: {count} components named '{name}' (DaprComponents), expected 1";
            }
        }

        foreach (var component in resources.Components.Where(c => !Names.Components.Contains(c.Name ?? "")))
        {
            yield return $"{resources.Place}: component '{component.Name}' is not named in DaprComponents";
        }

        var actorStores = resources.Components.Count(c => DaprResources.Value(c, "actorStateStore") == "true");
        if (actorStores != 1)
        {
            yield return $"{resources.Place}: {actorStores} actor state stores, Dapr needs exactly 1";
        }

        if (resources.Component(DaprComponents.StateStore) is { } store && DaprResources.Value(store, "actorStateStore") != "true")
        {
            yield return $"{resources.Place}: '{DaprComponents.StateStore}' must be the actor state store";
        }

        if (resources.Component(DaprComponents.EmailBinding) is { } email
            && !DaprResources.Scopes(email).SequenceEqual([AppIds.Email]))
        {
            yield return $"{resources.Place}: '{DaprComponents.EmailBinding}' must be scoped to '{AppIds.Email}' only";
        }
    }

    /// <summary>
    /// The state store is scoped to the apps that keep state in it, and it loads in every one of them: the apps with
    /// actors, a workflow or an IStateStore (<paramref name="appsWithState"/>), and always `orders`, whose
    /// OrderValidationWorkflow keeps its state in the actor state store.
    /// </summary>
    public static IEnumerable<string> StateStoreScopes(DaprResources resources, IReadOnlySet<string> appsWithState)
    {
        if (resources.Component(DaprComponents.StateStore) is not { } store)
        {
            yield break;
        }

        var scopes = DaprResources.Scopes(store);
        if (scopes.Count == 0)
        {
            yield return $"{resources.Place}/{DaprComponents.StateStore}: needs scopes (the apps with state), or every app loads it";
            yield break;
        }

        if (!scopes.Contains(AppIds.Orders))
        {
            yield return $"{resources.Place}/{DaprComponents.StateStore}: is the actor state store the orders workflow keeps its state in, so its scopes must include '{AppIds.Orders}'";
        }

        foreach (var app in appsWithState.Where(a => a != AppIds.Orders && !scopes.Contains(a)).Order(StringComparer.Ordinal))
        {
            yield return $"{resources.Place}/{DaprComponents.StateStore}: scopes leave out '{app}', whose code keeps actor, workflow or view state";
        }

        foreach (var app in scopes.Where(a => !Names.AppIds.Contains(a)))
        {
            yield return $"{resources.Place}/{DaprComponents.StateStore}: scopes name app '{app}', which is not in AppIds";
        }
    }

    /// <summary>Pub/sub scopes name known apps and topics; `orders` has a single writer; broadcast is per instance.</summary>
    public static IEnumerable<string> PubSubScopes(DaprResources resources)
    {
        foreach (var name in new[] { DaprComponents.PubSub, DaprComponents.BroadcastPubSub })
        {
            if (resources.Component(name) is not { } pubsub)
            {
                yield return $"{resources.Place}: no component '{name}'";
                continue;
            }

            foreach (var key in new[] { "publishingScopes", "subscriptionScopes" })
            {
                var value = DaprResources.Value(pubsub, key);
                if (value is null)
                {
                    yield return $"{resources.Place}/{name}: {key} is missing";
                    continue;
                }

                foreach (var (app, topics) in DaprResources.ParseScopes(value))
                {
                    if (!Names.AppIds.Contains(app))
                    {
                        yield return $"{resources.Place}/{name}: {key} names app '{app}', which is not in AppIds";
                    }

                    foreach (var topic in topics.Where(t => !Names.Topics.Contains(t)))
                    {
                        yield return $"{resources.Place}/{name}: {key} names topic '{topic}', which is not in Topics";
                    }
                }
            }

            // An app missing from publishingScopes may publish anything, so every app must be listed.
            var publishing = DaprResources.ParseScopes(DaprResources.Value(pubsub, "publishingScopes"));
            var applies = DaprResources.Scopes(pubsub) is { Count: > 0 } scoped ? scoped : [.. Names.AppIds];
            foreach (var app in applies.Where(a => !publishing.ContainsKey(a)))
            {
                yield return $"{resources.Place}/{name}: app '{app}' is not in publishingScopes, so it may publish any topic";
            }

            foreach (var (app, _) in publishing.Where(p => p.Key != AppIds.Orders && p.Value.Contains(Topics.Orders)))
            {
                yield return $"{resources.Place}/{name}: '{app}' may publish '{Topics.Orders}', whose single writer is '{AppIds.Orders}'";
            }
        }

        if (resources.Component(DaprComponents.PubSub) is { } shared
            && DaprResources.Value(shared, "consumerID") is { } group && group != "{appID}")
        {
            yield return $"{resources.Place}/{DaprComponents.PubSub}: consumerID must be the app id ({{appID}} or unset), not '{group}'";
        }

        if (resources.Component(DaprComponents.BroadcastPubSub) is { } broadcast)
        {
            if (DaprResources.Value(broadcast, "consumerID") != "{uuid}")
            {
                yield return $"{resources.Place}/{DaprComponents.BroadcastPubSub}: consumerID must be \"{{uuid}}\" (one group per instance)";
            }

            if (DaprResources.Value(broadcast, "initialOffset") != "newest")
            {
                yield return $"{resources.Place}/{DaprComponents.BroadcastPubSub}: initialOffset must be newest";
            }

            if (!DaprResources.Scopes(broadcast).SequenceEqual([AppIds.Orders]))
            {
                yield return $"{resources.Place}/{DaprComponents.BroadcastPubSub}: must be scoped to '{AppIds.Orders}' only";
            }
        }
    }

    /// <summary>
    /// The scopes of both pub/subs, and the state store's, are identical in two places (local and kubernetes,
    /// kubernetes and chart).
    /// </summary>
    public static IEnumerable<string> ScopesMirror(DaprResources expected, DaprResources actual)
    {
        if (expected.Component(DaprComponents.StateStore) is { } expectedStore && actual.Component(DaprComponents.StateStore) is { } actualStore
            && !DaprResources.Scopes(expectedStore).Order(StringComparer.Ordinal).SequenceEqual(DaprResources.Scopes(actualStore).Order(StringComparer.Ordinal)))
        {
            yield return $"'{DaprComponents.StateStore}' scopes differ between {expected.Place} and {actual.Place}";
        }

        foreach (var name in new[] { DaprComponents.PubSub, DaprComponents.BroadcastPubSub })
        {
            var a = expected.Component(name);
            var b = actual.Component(name);
            if (a is null || b is null)
            {
                yield return $"'{name}' is missing in {(a is null ? expected.Place : actual.Place)}";
                continue;
            }

            foreach (var key in new[] { "publishingScopes", "subscriptionScopes" })
            {
                if (DaprResources.Value(a, key) != DaprResources.Value(b, key))
                {
                    yield return $"'{name}' {key} differ between {expected.Place} and {actual.Place}";
                }
            }

            if (!DaprResources.Scopes(a).SequenceEqual(DaprResources.Scopes(b)))
            {
                yield return $"'{name}' scopes differ between {expected.Place} and {actual.Place}";
            }
        }
    }

    /// <summary>Targets name existing policies, components and actor types; pub/sub and actors have breakers.</summary>
    public static IEnumerable<string> Resiliency(DaprResources resources, IReadOnlySet<string> actorTypes, bool requireBreakers)
    {
        foreach (var resiliency in resources.All.Where(r => r.Kind == "Resiliency"))
        {
            var where = $"{resources.Place}/{resiliency.Template}";
            var timeouts = resiliency.Body.Map("spec.policies.timeouts");
            var retries = resiliency.Body.Map("spec.policies.retries");
            var breakers = resiliency.Body.Map("spec.policies.circuitBreakers");

            foreach (var (name, timeout) in timeouts.Where(t => !GoDuration().IsMatch(YamlPath.Format(t.Value) ?? "")))
            {
                yield return $"{where}: timeout '{name}' is not a Go duration";
            }

            foreach (var (name, retry) in retries)
            {
                if (retry.Text("policy") is not ("constant" or "exponential"))
                {
                    yield return $"{where}: retry '{name}' policy must be constant or exponential";
                }

                foreach (var field in new[] { "duration", "maxInterval" })
                {
                    if (retry.Text(field) is { } d && !GoDuration().IsMatch(d))
                    {
                        yield return $"{where}: retry '{name}' {field} is not a Go duration";
                    }
                }
            }

            foreach (var (name, breaker) in breakers.Where(b => string.IsNullOrEmpty(b.Value.Text("trip"))))
            {
                yield return $"{where}: circuit breaker '{name}' needs a trip expression";
            }

            IEnumerable<(string Target, object? Policy)> Targets()
            {
                foreach (var (component, target) in resiliency.Body.Map("spec.targets.components"))
                {
                    yield return ($"component {component} outbound", target.At("outbound"));
                    yield return ($"component {component} inbound", target.At("inbound"));
                }

                foreach (var (actor, target) in resiliency.Body.Map("spec.targets.actors"))
                {
                    yield return ($"actor {actor}", target);
                }

                foreach (var (app, target) in resiliency.Body.Map("spec.targets.apps"))
                {
                    yield return ($"app {app}", target);
                }
            }

            foreach (var (target, policy) in Targets().Where(t => t.Policy is not null))
            {
                if (policy.Text("timeout") is { } t && !timeouts.ContainsKey(t))
                {
                    yield return $"{where}: {target} uses unknown timeout '{t}'";
                }

                if (policy.Text("retry") is { } r && !retries.ContainsKey(r))
                {
                    yield return $"{where}: {target} uses unknown retry '{r}'";
                }

                if (policy.Text("circuitBreaker") is { } c && !breakers.ContainsKey(c))
                {
                    yield return $"{where}: {target} uses unknown circuit breaker '{c}'";
                }
            }

            foreach (var component in resiliency.Body.Map("spec.targets.components").Keys.Where(c => resources.Component(c) is null))
            {
                yield return $"{where}: targets component '{component}', which does not exist";
            }

            var actors = resiliency.Body.Map("spec.targets.actors");
            foreach (var actor in actors.Keys.Where(Names.ReplacedActorTypes.Contains))
            {
                yield return $"{where}: targets actor type '{actor}', which the orders workflow replaced (OrderValidationWorkflow is no resiliency target)";
            }

            foreach (var actor in actors.Keys.Where(a => !actorTypes.Contains(a) && !Names.ReplacedActorTypes.Contains(a)))
            {
                yield return $"{where}: targets actor type '{actor}', which no service declares";
            }

            // daprd applies policies named Default<Kind><Target>Policy to every target without its own policy
            // (pkg/resiliency DefaultPolicyTemplate), the workflow engine's internal actors included.
            foreach (var name in timeouts.Keys.Concat(retries.Keys).Concat(breakers.Keys).Where(n => DefaultPolicyName().IsMatch(n)))
            {
                yield return $"{where}: policy '{name}' is a Dapr default policy name: it would apply to every target, the workflow engine's actors included";
            }

            if (resiliency.Body.At($"spec.targets.components.{DaprComponents.PubSub}.inbound.retry") is null)
            {
                yield return $"{where}: '{DaprComponents.PubSub}' inbound needs a retry (then Dapr dead-letters)";
            }

            if (!requireBreakers)
            {
                continue;
            }

            if (resiliency.Body.At($"spec.targets.components.{DaprComponents.PubSub}.outbound.circuitBreaker") is null)
            {
                yield return $"{where}: '{DaprComponents.PubSub}' outbound needs a circuit breaker";
            }

            foreach (var actor in actorTypes.Where(a => !Names.ReplacedActorTypes.Contains(a) && actors.GetValueOrDefault(a).At("circuitBreaker") is null))
            {
                yield return $"{where}: actor type '{actor}' needs a retry/timeout/circuit breaker target";
            }
        }
    }

    /// <summary>A subscriber fails the same way locally and on a cluster: the same retries before dead-lettering.</summary>
    public static IEnumerable<string> SubscriberRetryMirror(DaprResources local, DaprResources kubernetes)
    {
        static string? Retry(DaprResources resources)
        {
            var resiliency = resources.All.FirstOrDefault(r => r.Kind == "Resiliency");
            var name = resiliency?.Body.Text($"spec.targets.components.{DaprComponents.PubSub}.inbound.retry");
            return name is null ? null : YamlJson.Canonical(resiliency!.Body.At($"spec.policies.retries.{name}"));
        }

        var expected = Retry(local);
        if (expected is null || expected != Retry(kubernetes))
        {
            yield return $"the '{DaprComponents.PubSub}' inbound retry differs between {local.Place} and {kubernetes.Place}";
        }
    }

    /// <summary>Finished workflows are kept as long locally as on a cluster: the same spec.workflow.</summary>
    public static IEnumerable<string> WorkflowSettingsMirror(DaprResources local, DaprResources kubernetes)
    {
        static string? Workflow(DaprResources resources) =>
            resources.All.Where(r => r.Kind == "Configuration" && r.Name != "daprsystem")
                .Select(r => YamlJson.Canonical(r.Body.At("spec.workflow"))).SingleOrDefault();

        var expected = Workflow(kubernetes);
        if (expected is null or "null")
        {
            yield return $"{kubernetes.Place}: the sidecar Configuration has no spec.workflow (the retention of finished order workflows)";
        }
        else if (Workflow(local) != expected)
        {
            yield return $"the Configuration's spec.workflow differs between {local.Place} and {kubernetes.Place}";
        }
    }

    /// <summary>
    /// The namespace of a self-hosted daprd (`dapr run`, and the local runtime): $NAMESPACE, "default" when unset
    /// (dapr/dapr pkg/security/security.go CurrentNamespace). An access control policy matches a caller's namespace.
    /// </summary>
    public const string SelfHostedNamespace = "default";

    /// <summary>The trust domain when a Configuration names none (dapr/dapr pkg/config DefaultTrustDomain).</summary>
    private const string DefaultTrustDomain = "public";

    /// <summary>
    /// The verbs an operation's httpVerb may name: the names of common.v1 HTTPExtension.Verb, which daprd's access
    /// control looks up exactly (dapr/dapr pkg/acl/acl.go, VerbAction[httpVerb.String()]): "post" never matches.
    /// </summary>
    private static readonly HashSet<string> HttpVerbs = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

    /// <summary>
    /// The service invocation access control of every sidecar Configuration (spec.accessControl,
    /// https://docs.dapr.io/operations/configuration/invoke-allowlist). No app of this system invokes another, so the
    /// default action is deny, and each policy names a caller that has a reason: an app id of this system, in the
    /// namespace its sidecars run in (<paramref name="callerNamespace"/>) and the apps' trust domain (else the policy never
    /// matches), denying what it does not allow, and allowing only routes the services map with the methods they map
    /// (<paramref name="routes"/>: route group -> methods).
    /// </summary>
    public static IEnumerable<string> AccessControl(
        DaprResources resources, string callerNamespace, IReadOnlyDictionary<string, IReadOnlySet<string>> routes)
    {
        foreach (var configuration in resources.All.Where(r => r.Kind == "Configuration" && r.Name != "daprsystem"))
        {
            var where = $"{resources.Place}/{configuration.Template} Configuration/{configuration.Name}";
            if (configuration.Body.At("spec.accessControl") is not Dictionary<string, object?> acl)
            {
                yield return $"{where}: has no spec.accessControl, so every sidecar lets any caller invoke any route of its app (subscription handlers included)";
                continue;
            }

            if (acl.Text("defaultAction") != "deny")
            {
                yield return $"{where}: spec.accessControl.defaultAction must be deny (no app invokes another), found '{acl.Text("defaultAction")}'";
            }

            // Sentry issues every app its identity in the trust domain of its own Configuration, this one.
            var trustDomain = acl.Text("trustDomain") is { Length: > 0 } domain ? domain : DefaultTrustDomain;
            var callers = new HashSet<string>(StringComparer.Ordinal);
            foreach (var policy in acl.List("policies"))
            {
                foreach (var problem in AccessPolicy(policy, callerNamespace, trustDomain, routes, callers))
                {
                    yield return $"{where}: accessControl policy '{policy.Text("appId")}': {problem}";
                }
            }
        }
    }

    private static IEnumerable<string> AccessPolicy(
        object? policy, string callerNamespace, string trustDomain, IReadOnlyDictionary<string, IReadOnlySet<string>> routes, HashSet<string> callers)
    {
        var appId = policy.Text("appId") ?? "";
        if (!Names.AppIds.Contains(appId))
        {
            yield return $"appId '{appId}' is not an app id of this system (AppIds)";
        }

        var policyNamespace = policy.Text("namespace");
        var policyTrustDomain = policy.Text("trustDomain");
        if (string.IsNullOrEmpty(policyNamespace) || string.IsNullOrEmpty(policyTrustDomain))
        {
            yield return "needs a namespace and a trustDomain: daprd refuses to start without them (dapr/dapr pkg/acl/acl.go ParseAccessControlSpec)";
        }
        else
        {
            if (policyNamespace != callerNamespace)
            {
                yield return $"namespace '{policyNamespace}' is not the namespace the callers' sidecars run in, '{callerNamespace}': the policy would never match";
            }

            if (policyTrustDomain != trustDomain)
            {
                yield return $"trustDomain '{policyTrustDomain}' is not the apps' trust domain '{trustDomain}' (spec.accessControl.trustDomain): the policy would never match";
            }
        }

        // daprd keys policies by app id and namespace; a second one replaces the first.
        if (!callers.Add($"{appId}||{policyNamespace}"))
        {
            yield return $"appears twice in namespace '{policyNamespace}': daprd keeps only the last";
        }

        if (policy.Text("defaultAction") != "deny")
        {
            yield return $"defaultAction must be deny, so that '{appId}' reaches only the operations it is allowed, found '{policy.Text("defaultAction")}'";
        }

        var operations = policy.List("operations");
        if (operations.Count == 0)
        {
            yield return "names no operation, so it allows nothing: drop it or name what the caller may invoke";
        }

        foreach (var operation in operations)
        {
            var name = operation.Text("name") ?? "";
            var action = operation.Text("action");
            if (action is not ("allow" or "deny"))
            {
                yield return $"operation '{name}': action must be allow or deny, found '{action}'";
            }

            var path = OperationBase(name);
            var group = routes.Keys.Order(StringComparer.Ordinal).FirstOrDefault(g =>
                path.Equals(g, StringComparison.OrdinalIgnoreCase) || path.StartsWith(g + "/", StringComparison.OrdinalIgnoreCase));
            if (group is null)
            {
                yield return $"operation '{name}' is not under a route group the services map ({string.Join(", ", routes.Keys.Order(StringComparer.Ordinal))})";
            }

            var verbs = operation.List("httpVerb").Select(YamlPath.Format).ToList();
            if (verbs.Count == 0)
            {
                yield return $"operation '{name}' names no httpVerb: for an HTTP app daprd then applies the policy's defaultAction to it";
            }

            foreach (var verb in verbs)
            {
                if (verb == "*")
                {
                    if (action == "allow")
                    {
                        yield return $"operation '{name}' allows every verb ('*'): name the methods its routes map";
                    }
                }
                else if (verb is null || !HttpVerbs.Contains(verb))
                {
                    yield return $"operation '{name}': httpVerb '{verb}' is not one of daprd's verbs ({string.Join(", ", HttpVerbs)}); daprd compares them exactly, so it never matches";
                }
                else if (group is not null && action == "allow" && !routes[group].Contains(verb))
                {
                    yield return $"operation '{name}' allows {verb}, which no route of {group} maps ({string.Join(", ", routes[group].Order(StringComparer.Ordinal))})";
                }
            }
        }

        // The operations are a trie of path segments, searched from the root: the first name on the way that has an
        // action decides (dapr/dapr pkg/config/acl_trie.go Search), so of two overlapping names one never applies.
        var names = operations.Select(o => o.Text("name") ?? "").ToList();
        for (var i = 0; i < names.Count; i++)
        {
            for (var j = i + 1; j < names.Count; j++)
            {
                if (Covers(names[i], names[j]) || Covers(names[j], names[i]))
                {
                    yield return $"operations '{names[i]}' and '{names[j]}' overlap: daprd matches operation names by path segment prefix and the first match decides, so one of them never applies; give one operation all its verbs";
                }
            }
        }
    }

    /// <summary>An operation name without its trailing wildcard segment (`/*`: one segment, `/**`: any), with a leading slash.</summary>
    private static string OperationBase(string name)
    {
        var path = name.StartsWith('/') ? name : "/" + name;
        return path.EndsWith("/**", StringComparison.Ordinal) ? path[..^3]
            : path.EndsWith("/*", StringComparison.Ordinal) ? path[..^2]
            : path;
    }

    /// <summary>Whether every path <paramref name="other"/> names lies at or under <paramref name="name"/>'s base path.</summary>
    private static bool Covers(string name, string other)
    {
        var outer = OperationBase(name).Split('/', StringSplitOptions.RemoveEmptyEntries);
        var inner = OperationBase(other).Split('/', StringSplitOptions.RemoveEmptyEntries);
        return inner.Length >= outer.Length
            && outer.Zip(inner).All(pair => pair.First.Equals(pair.Second, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Locally and on a cluster the same callers may invoke the same operations: spec.accessControl is the same but for
    /// each policy's namespace (the namespace the sidecars run in differs).
    /// </summary>
    public static IEnumerable<string> AccessControlMirror(DaprResources local, DaprResources kubernetes)
    {
        static string? WithoutNamespaces(DaprResources resources) =>
            resources.All.Where(r => r.Kind == "Configuration" && r.Name != "daprsystem")
                .Select(r => r.Body.At("spec.accessControl") is Dictionary<string, object?> acl
                    ? YamlJson.Canonical(new Dictionary<string, object?>(acl)
                    {
                        ["policies"] = acl.List("policies")
                            .Select(p => p is Dictionary<string, object?> policy
                                ? new Dictionary<string, object?>(policy.Where(e => e.Key != "namespace"), StringComparer.Ordinal)
                                : p)
                            .ToList(),
                    })
                    : null)
                .SingleOrDefault();

        if (WithoutNamespaces(local) != WithoutNamespaces(kubernetes))
        {
            yield return $"the Configuration's spec.accessControl differs between {local.Place} and {kubernetes.Place} (namespaces aside)";
        }
    }

    /// <summary>
    /// `dapr run -f dapr.yaml` gives every daprd the local Configuration: daprd reads it only from --config (the run
    /// file's common.configFilePath), never from the resources path, where the local runtime reads it.
    /// </summary>
    public static IEnumerable<string> RunFileConfiguration(Repo repo, DaprResources local)
    {
        var runFile = YamlModel.LoadMapping(repo.Path("dapr.yaml"));
        var path = runFile.Text("common.configFilePath");
        var configuration = local.All.SingleOrDefault(r => r.Kind == "Configuration");
        if (configuration is null)
        {
            yield return $"{local.Place}: no Configuration (the sidecar settings of local runs)";
            yield break;
        }

        var expected = Path.GetRelativePath(repo.Root, Path.Combine(repo.LocalComponents, configuration.Template)).Replace('\\', '/');
        if (path is null || Path.GetFullPath(Path.Combine(repo.Root, path)) != Path.GetFullPath(repo.Path(expected)))
        {
            yield return $"dapr.yaml common.configFilePath must be ./{expected} (daprd does not read a Configuration from the resources path), found '{path}'";
        }

        if (runFile.List("apps").Any(a => a.Text("configFilePath") is not null))
        {
            yield return "dapr.yaml: an app's own configFilePath would replace common.configFilePath for it";
        }
    }

    [GeneratedRegex(@"^Default[A-Za-z]*(Retry|Timeout|CircuitBreaker)Policy$")]
    private static partial Regex DefaultPolicyName();

    [GeneratedRegex(@"^[a-z]+\.[a-z0-9.-]+$")]
    private static partial Regex ComponentType();

    [GeneratedRegex(@"^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$")]
    private static partial Regex GoDuration();
}
