using DaprOrders.Contracts;
using DaprOrders.Deployment.Tests.Helm;
using DaprOrders.Deployment.Tests.Yaml;

namespace DaprOrders.Deployment.Tests.Checks;

/// <summary>
/// The chart's security objects (docs/security.md): Dapr's API tokens on every Deployment, and NetworkPolicies that
/// allow exactly the flows the system needs, no more and no fewer.
/// </summary>
public static class SecurityChecks
{
    /// <summary>daprd's internal gRPC port, the one sidecars call each other on (dapr/dapr pkg/injector/patcher/sidecar.go).</summary>
    public const int SidecarInternalPort = 50002;

    /// <summary>
    /// The control plane ports daprd dials (targetPort of each Service in dapr/dapr charts/dapr/charts/&lt;component&gt;/values.yaml
    /// and templates): operator 6500, sentry 50001, placement 50005, scheduler 50006.
    /// </summary>
    public static readonly int[] ControlPlanePorts = [6500, 50001, 50005, 50006];

    private const string AppTokenAnnotation = "dapr.io/app-token-secret";
    private const string ApiTokenAnnotation = "dapr.io/api-token-secret";

    /// <summary>
    /// Every Deployment names an app token secret and a Dapr API token secret of its own (Dapr's annotations), both
    /// rendered with the key `token` the sidecar injector reads, and its app reads the same two as APP_API_TOKEN and
    /// DAPR_API_TOKEN (the injector gives them to daprd only).
    /// </summary>
    public static IEnumerable<string> ApiTokens(RenderedChart chart)
    {
        var secrets = chart.OfKind("Secret").ToDictionary(s => s.Name ?? "");
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var deployment in chart.OfKind("Deployment"))
        {
            var annotations = deployment.Body.Map("spec.template.metadata.annotations");
            var env = deployment.Body.List("spec.template.spec.containers").FirstOrDefault()
                .List("env").ToDictionary(e => e.Text("name") ?? "", e => e, StringComparer.Ordinal);
            foreach (var (annotation, variable) in new[] { (AppTokenAnnotation, "APP_API_TOKEN"), (ApiTokenAnnotation, "DAPR_API_TOKEN") })
            {
                if (annotations.GetValueOrDefault(annotation) is not string { Length: > 0 } secret)
                {
                    yield return $"{deployment}: annotation {annotation} is missing (Dapr's token for this app)";
                    continue;
                }

                if (!secrets.TryGetValue(secret, out var rendered) || rendered.Body.Text("data.token") is not { Length: > 0 })
                {
                    yield return $"{deployment}: {annotation} names secret '{secret}', which the chart does not render with a key 'token'";
                }

                if (owners.TryGetValue(secret, out var owner))
                {
                    yield return $"{deployment}: secret '{secret}' is already the token of {owner}: every app and kind needs its own";
                }
                else
                {
                    owners[secret] = $"{deployment.Name} ({annotation})";
                }

                var source = env.GetValueOrDefault(variable);
                if (source.Text("valueFrom.secretKeyRef.name") != secret || source.Text("valueFrom.secretKeyRef.key") != "token")
                {
                    yield return $"{deployment}: env {variable} must come from secret '{secret}' key 'token', as daprd's does";
                }
            }
        }
    }

    /// <summary>
    /// One NetworkPolicy per Deployment, selecting its pods for ingress and egress, whose rules allow exactly
    /// <see cref="ExpectedFlows"/>.
    /// </summary>
    public static IEnumerable<string> NetworkPolicies(RenderedChart chart, bool required)
    {
        var policies = chart.OfKind("NetworkPolicy").ToList();
        if (chart.Values.At("networkPolicies.enabled") is not true)
        {
            if (required)
            {
                yield return "networkPolicies.enabled must be true: the chart's NetworkPolicies are on by default";
            }

            foreach (var policy in policies)
            {
                yield return $"{policy}: rendered although networkPolicies.enabled is false";
            }

            yield break;
        }

        foreach (var deployment in chart.OfKind("Deployment"))
        {
            var podLabels = deployment.Body.Map("spec.template.metadata.labels");
            var selecting = policies.Where(p => Selects(p.Body.Map("spec.podSelector.matchLabels"), podLabels)).ToList();
            if (selecting.Count != 1)
            {
                yield return $"{deployment}: {selecting.Count} NetworkPolicies select its pods, expected exactly 1";
                continue;
            }

            var policy = selecting[0];
            var types = policy.Body.List("spec.policyTypes").Select(YamlPath.Format).ToHashSet();
            if (!types.SetEquals(["Ingress", "Egress"]))
            {
                yield return $"{policy}: policyTypes must be Ingress and Egress, so everything not allowed is denied both ways";
            }

            var expected = ExpectedFlows(chart, deployment).ToHashSet(StringComparer.Ordinal);
            var actual = Flows(policy).ToHashSet(StringComparer.Ordinal);
            foreach (var missing in expected.Except(actual).Order(StringComparer.Ordinal))
            {
                yield return $"{policy}: does not allow {missing}";
            }

            foreach (var extra in actual.Except(expected).Order(StringComparer.Ordinal))
            {
                yield return $"{policy}: allows {extra}, which is not a flow of {deployment.Name}";
            }
        }

        var deployments = chart.OfKind("Deployment").Select(d => d.Name).ToHashSet();
        foreach (var policy in policies.Where(p => !deployments.Contains(p.Name)))
        {
            yield return $"{policy}: names no deployment of the chart";
        }
    }

    /// <summary>
    /// The flows one app needs, from the values (peers; ports of the Kafka, Redis, SMTP and OTLP addresses), the
    /// components' scopes (who has the state store and the email binding) and Dapr's ports.
    /// </summary>
    public static IEnumerable<string> ExpectedFlows(RenderedChart chart, Manifest deployment)
    {
        var app = deployment.Name ?? "";
        var values = chart.Values;
        var ownPods = Peer(new Dictionary<string, object?> { ["podSelector"] = new Dictionary<string, object?> { ["matchLabels"] = deployment.Body.Map("spec.selector.matchLabels") } });

        var sidecarPeers = new List<string> { ownPods };
        if (app == AppIds.Orders)
        {
            // Service invocation of /v1/orders by the loaders CLI's sidecar (the access control allows it).
            sidecarPeers.Add(Peer(new Dictionary<string, object?> { ["podSelector"] = new Dictionary<string, object?> { ["matchLabels"] = new Dictionary<string, object?> { ["dapr.io/app-id"] = AppIds.Loader } } }));
        }

        foreach (var flow in Cross("ingress", sidecarPeers, [$"{SidecarInternalPort}/TCP"]))
        {
            yield return flow;
        }

        if (app == AppIds.Orders && chart.OfKind("Ingress").Any())
        {
            var controller = values.Map("networkPolicies.ingressController");
            var port = deployment.Body.List("spec.template.spec.containers").SelectMany(c => c.List("ports"))
                .FirstOrDefault(p => p.Text("name") == "http").Text("containerPort");
            yield return $"ingress from {Peer(new Dictionary<string, object?> { ["namespaceSelector"] = controller.GetValueOrDefault("namespaceSelector"), ["podSelector"] = controller.GetValueOrDefault("podSelector") })} {port}/TCP";
        }

        foreach (var flow in Cross("egress", PeersOf(values, "dns"), ["53/UDP", "53/TCP"]))
        {
            yield return flow;
        }

        var controlPlane = Peer(new Dictionary<string, object?>
        {
            ["namespaceSelector"] = new Dictionary<string, object?> { ["matchLabels"] = new Dictionary<string, object?> { ["kubernetes.io/metadata.name"] = values.Text("networkPolicies.controlPlaneNamespace") } },
        });
        foreach (var flow in Cross("egress", [controlPlane], ControlPlanePorts.Select(p => $"{p}/TCP")))
        {
            yield return flow;
        }

        foreach (var flow in Cross("egress", [ownPods], [$"{SidecarInternalPort}/TCP"]))
        {
            yield return flow;
        }

        var kafkaPorts = (values.Text("kafka.brokers") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(PortOf);
        foreach (var flow in Cross("egress", PeersOf(values, "kafka"), kafkaPorts.Select(p => $"{p}/TCP")))
        {
            yield return flow;
        }

        var resources = DaprResources.FromChart(chart);
        if (resources.Component(DaprComponents.StateStore) is { } store && DaprResources.Scopes(store).Contains(app))
        {
            foreach (var flow in Cross("egress", PeersOf(values, "redis"), [$"{PortOf(values.Text("redis.host") ?? "")}/TCP"]))
            {
                yield return flow;
            }
        }

        if (resources.Component(DaprComponents.EmailBinding) is { } email && DaprResources.Scopes(email).Contains(app))
        {
            foreach (var flow in Cross("egress", PeersOf(values, "smtp"), [$"{values.Text("smtp.port")}/TCP"]))
            {
                yield return flow;
            }
        }

        var otlpPorts = new[] { values.Text("otel.endpoint") }
            .Where(e => !string.IsNullOrEmpty(e)).Select(e => PortOf(e!)).ToList();
        foreach (var flow in Cross("egress", PeersOf(values, "otlp"), otlpPorts.Select(p => $"{p}/TCP")))
        {
            yield return flow;
        }
    }

    /// <summary>What a rendered policy allows, one "direction peer port/protocol" per combination ("any" = no restriction).</summary>
    private static IEnumerable<string> Flows(Manifest policy)
    {
        foreach (var (direction, peersKey) in new[] { ("ingress", "from"), ("egress", "to") })
        {
            foreach (var rule in policy.Body.List($"spec.{direction}"))
            {
                var peers = rule.List(peersKey) is { Count: > 0 } list ? list.Select(Peer).ToList() : ["any"];
                var ports = rule.List("ports") is { Count: > 0 } portList
                    ? portList.Select(p => $"{p.Text("port") ?? "all"}/{p.Text("protocol") ?? "TCP"}").ToList()
                    : ["all"];
                foreach (var flow in Cross(direction, peers, ports))
                {
                    yield return flow;
                }
            }
        }
    }

    private static IEnumerable<string> Cross(string direction, IEnumerable<string> peers, IEnumerable<string> ports)
    {
        var word = direction == "ingress" ? "from" : "to";
        var portList = ports.ToList();
        return peers.SelectMany(peer => portList.Select(port => $"{direction} {word} {peer} {port}"));
    }

    private static List<string> PeersOf(Dictionary<string, object?> values, string destination) =>
        values.List($"networkPolicies.{destination}.to") is { Count: > 0 } peers ? [.. peers.Select(Peer)] : ["any"];

    private static string Peer(object? peer) => YamlJson.Write(peer, sortKeys: true);

    /// <summary>The port of "host:port" or "scheme://host:port/path".</summary>
    private static string PortOf(string endpoint)
    {
        var withoutScheme = endpoint.Contains("://", StringComparison.Ordinal) ? endpoint[(endpoint.IndexOf("://", StringComparison.Ordinal) + 3)..] : endpoint;
        var hostPort = withoutScheme.Split('/')[0];
        return hostPort[(hostPort.LastIndexOf(':') + 1)..];
    }

    private static bool Selects(Dictionary<string, object?> selector, Dictionary<string, object?> labels) =>
        selector.Count > 0 && selector.All(s => YamlPath.Format(labels.GetValueOrDefault(s.Key)) == YamlPath.Format(s.Value));
}
