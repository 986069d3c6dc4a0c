using System.Text.RegularExpressions;
using DaprOrders.Contracts;
using DaprOrders.Deployment.Tests.Helm;
using DaprOrders.Deployment.Tests.Yaml;
using DaprOrders.ServiceDefaults;

namespace DaprOrders.Deployment.Tests.Checks;

/// <summary>The rendered chart against the Kubernetes, Dapr and Strimzi fields it relies on, and against the code.</summary>
public static partial class ChartChecks
{
    /// <summary>Kinds the chart may render and their API versions (Kubernetes API reference; Dapr; Strimzi).</summary>
    private static readonly Dictionary<string, string[]> ApiVersions = new(StringComparer.Ordinal)
    {
        ["Deployment"] = ["apps/v1"],
        ["Service"] = ["v1"],
        ["PersistentVolumeClaim"] = ["v1"],
        ["PodDisruptionBudget"] = ["policy/v1"],
        ["HorizontalPodAutoscaler"] = ["autoscaling/v2"],
        ["Ingress"] = ["networking.k8s.io/v1"],
        ["NetworkPolicy"] = ["networking.k8s.io/v1"],
        ["Secret"] = ["v1"],
        ["Component"] = [DaprResources.ApiVersion],
        ["Resiliency"] = [DaprResources.ApiVersion],
        ["Configuration"] = [DaprResources.ApiVersion],
        ["KafkaTopic"] = ["kafka.strimzi.io/v1beta2", "kafka.strimzi.io/v1"],
    };

    /// <summary>Routes of the sidecar contract and of the kubelet that must never be reachable from outside.</summary>
    private static readonly string[] PrivateRoutes =
        ["/dapr", "/actors", "/events", ServiceDefaultsExtensions.LivenessPath, ServiceDefaultsExtensions.ReadinessPath];

    /// <summary>Topics that are tables: Kafka must keep the latest record per key (cleanup.policy compact).</summary>
    private static readonly HashSet<string> CompactedTopics = [Topics.Customers, Topics.WarehouseInventory];

    /// <summary>Chart.yaml annotation holding the Dapr runtime the chart needs (a prerequisite, not a dependency).</summary>
    public const string DaprVersionAnnotation = "daprorders.io/dapr-version";

    /// <summary>
    /// The oldest Dapr runtime the orders workflow runs on: the workflow's deadline is a timer with an origin, which
    /// Dapr.Workflow's own integration tests run only on runtime 1.18 and later; the Scheduler (workflow reminders,
    /// only there since 1.17) and stateRetentionPolicy on Kubernetes (1.17.2) come with it. Sources in
    /// docs/kubernetes.md, "The orders workflow on daprd".
    /// </summary>
    private static readonly Version MinimumDapr = new(1, 18, 0);

    public static IEnumerable<string> ChartMetadata(Repo repo, RenderedChart chart)
    {
        var required = chart.Chart.Map("annotations").GetValueOrDefault(DaprVersionAnnotation) as string;
        var match = DaprVersionRange().Match(required ?? "");
        if (!match.Success || Version.Parse(match.Groups[1].Value) < MinimumDapr)
        {
            yield return $"Chart.yaml: annotation {DaprVersionAnnotation} must be \">=X.Y.Z\" with X.Y.Z at least {MinimumDapr} " +
                $"(the orders workflow's timers; the Scheduler), found '{required}'";
        }
        else
        {
            var version = Version.Parse(match.Groups[1].Value);
            var phrase = $"Dapr >= {version.Major}.{version.Minor}";
            foreach (var (name, text) in new[]
            {
                ("charts/daprorders/README.md", ReadOrEmpty(repo.Path("charts", "daprorders", "README.md"))),
                ("NOTES.txt", chart.Notes),
                ("docs/kubernetes.md", ReadOrEmpty(repo.Path("docs", "kubernetes.md"))),
            })
            {
                if (!text.Contains(phrase, StringComparison.Ordinal))
                {
                    yield return $"{name} must state the Dapr version the chart needs: '{phrase}' ({DaprVersionAnnotation} in Chart.yaml)";
                }

                if (!text.Contains("scheduler", StringComparison.OrdinalIgnoreCase))
                {
                    yield return $"{name} must name the Dapr scheduler service (the orders workflow's reminders run on it)";
                }
            }
        }

        if (chart.Chart.Text("apiVersion") != "v2")
        {
            yield return "Chart.yaml: apiVersion must be v2 (Helm 3)";
        }

        if (chart.Chart.Text("name") != Path.GetFileName(repo.Chart))
        {
            yield return "Chart.yaml: name must match the chart's folder";
        }

        if (!SemVer().IsMatch(chart.Chart.Text("version") ?? ""))
        {
            yield return "Chart.yaml: version must be SemVer 2";
        }

        if (string.IsNullOrEmpty(chart.Chart.Text("appVersion")))
        {
            yield return "Chart.yaml: appVersion is the default image tag and is required";
        }

        foreach (var prerequisite in new[] { "Dapr", "Strimzi", "Kafka", "Redis" })
        {
            if (!chart.Notes.Contains(prerequisite, StringComparison.Ordinal))
            {
                yield return $"NOTES.txt must name the prerequisite {prerequisite}";
            }

            var readme = repo.Path("charts", "daprorders", "README.md");
            if (!File.Exists(readme) || !File.ReadAllText(readme).Contains(prerequisite, StringComparison.Ordinal))
            {
                yield return $"charts/daprorders/README.md must name the prerequisite {prerequisite}";
            }
        }
    }

    private static string ReadOrEmpty(string path) => File.Exists(path) ? File.ReadAllText(path) : "";

    public static IEnumerable<string> Objects(RenderedChart chart)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var manifest in chart.Manifests)
        {
            if (manifest.Kind is null || !ApiVersions.TryGetValue(manifest.Kind, out var versions))
            {
                yield return $"{manifest}: kind is not one the chart is checked for";
                continue;
            }

            if (!versions.Contains(manifest.Body.Text("apiVersion")))
            {
                yield return $"{manifest}: apiVersion must be {string.Join(" or ", versions)}";
            }

            if (manifest.Name is null || !DnsLabel().IsMatch(manifest.Name))
            {
                yield return $"{manifest}: metadata.name must be a DNS-1123 label";
            }

            if (!seen.Add($"{manifest.Kind}/{manifest.Name}"))
            {
                yield return $"{manifest}: rendered twice";
            }
        }
    }

    public static IEnumerable<string> Deployments(Repo repo, RenderedChart chart)
    {
        var configurations = chart.OfKind("Configuration").Select(c => c.Name).ToHashSet();
        var autoscaled = chart.OfKind("HorizontalPodAutoscaler").Select(h => h.Body.Text("spec.scaleTargetRef.name")).ToHashSet();
        foreach (var deployment in chart.OfKind("Deployment"))
        {
            var where = deployment.ToString();
            var d = deployment.Body;
            var podLabels = d.Map("spec.template.metadata.labels");
            var selector = d.Map("spec.selector.matchLabels");
            if (selector.Count == 0 || selector.Any(s => YamlPath.Format(podLabels.GetValueOrDefault(s.Key)) != YamlPath.Format(s.Value)))
            {
                yield return $"{where}: spec.selector.matchLabels must select the pod template's labels";
            }

            var annotations = d.Map("spec.template.metadata.annotations");
            string? Annotation(string key) => annotations.GetValueOrDefault(key) as string;

            if (Annotation("dapr.io/enabled") != "true")
            {
                yield return $"{where}: annotation dapr.io/enabled must be \"true\"";
            }

            var appId = Annotation("dapr.io/app-id");
            if (appId != deployment.Name)
            {
                yield return $"{where}: annotation dapr.io/app-id must be the deployment's name, found '{appId}'";
            }

            if (appId is not null && !Names.DeployedAppIds.Contains(appId))
            {
                yield return $"{where}: app id '{appId}' is not a deployed app id in AppIds";
            }

            if (Annotation("dapr.io/config") is not { } config || !configurations.Contains(config))
            {
                yield return $"{where}: annotation dapr.io/config must name the chart's Configuration";
            }

            if (Annotation("dapr.io/app-protocol") is { } protocol && protocol != "http")
            {
                yield return $"{where}: the services speak HTTP to their sidecar (dapr.io/app-protocol)";
            }

            if (Annotation("dapr.io/enable-app-health-check") == "true"
                && Annotation("dapr.io/app-health-check-path") != ServiceDefaultsExtensions.LivenessPath)
            {
                yield return $"{where}: dapr.io/app-health-check-path must be {ServiceDefaultsExtensions.LivenessPath}";
            }

            var containers = d.List("spec.template.spec.containers");
            if (containers.Count != 1)
            {
                yield return $"{where}: exactly one app container expected (Dapr injects daprd)";
                continue;
            }

            var container = containers[0];
            var ports = container.List("ports").ToDictionary(p => p.Text("name") ?? "", p => p.Text("containerPort"));
            var appPort = Annotation("dapr.io/app-port");
            if (appPort is null || ports.GetValueOrDefault("http") != appPort)
            {
                yield return $"{where}: dapr.io/app-port '{appPort}' must be the container's http port '{ports.GetValueOrDefault("http")}'";
            }

            var env = container.List("env").ToDictionary(e => e.Text("name") ?? "", e => e.Text("value"));
            foreach (var variable in new[] { "APP_PORT", "ASPNETCORE_HTTP_PORTS" })
            {
                if (env.GetValueOrDefault(variable) != appPort)
                {
                    yield return $"{where}: env {variable} must equal dapr.io/app-port ({appPort})";
                }
            }

            foreach (var (probe, path) in new[]
            {
                ("livenessProbe", ServiceDefaultsExtensions.LivenessPath),
                ("readinessProbe", ServiceDefaultsExtensions.ReadinessPath),
            })
            {
                if (container.Text($"{probe}.httpGet.path") != path)
                {
                    yield return $"{where}: {probe} must GET {path} (mapped by MapServiceDefaults)";
                }

                var port = container.Text($"{probe}.httpGet.port");
                if (port is null || !(ports.ContainsKey(port) || ports.ContainsValue(port)))
                {
                    yield return $"{where}: {probe} port '{port}' is not a container port";
                }
            }

            if (container.At("resources.requests.memory") is null || container.At("resources.limits.memory") is null)
            {
                yield return $"{where}: resources need a memory request and limit";
            }

            var image = container.Text("image") ?? "";
            if (image.Length == 0 || image.EndsWith(":latest", StringComparison.Ordinal) || image.EndsWith(':'))
            {
                yield return $"{where}: image '{image}' needs a pinned tag";
            }

            if (d.At("spec.template.spec.securityContext.runAsNonRoot") is not true
                || container.At("securityContext.allowPrivilegeEscalation") is not false)
            {
                yield return $"{where}: must run as non-root without privilege escalation";
            }

            if (autoscaled.Contains(deployment.Name) == d.Map("spec").ContainsKey("replicas"))
            {
                yield return $"{where}: spec.replicas must be set exactly when no HPA scales the deployment";
            }
        }
    }

    public static IEnumerable<string> ServicesAndPolicies(RenderedChart chart)
    {
        var deployments = chart.OfKind("Deployment").ToDictionary(d => d.Name ?? "");
        bool Selects(Dictionary<string, object?> selector, Manifest deployment) =>
            selector.Count > 0 && selector.All(s =>
                YamlPath.Format(deployment.Body.Map("spec.template.metadata.labels").GetValueOrDefault(s.Key))
                    == YamlPath.Format(s.Value));

        foreach (var service in chart.OfKind("Service"))
        {
            if (!deployments.TryGetValue(service.Name ?? "", out var deployment) || !Selects(service.Body.Map("spec.selector"), deployment))
            {
                yield return $"{service}: spec.selector must select the pods of deployment '{service.Name}'";
                continue;
            }

            var containerPorts = deployment.Body.List("spec.template.spec.containers").SelectMany(c => c.List("ports"))
                .Select(p => p.Text("name")).ToHashSet();
            foreach (var port in service.Body.List("spec.ports").Where(p => !containerPorts.Contains(p.Text("targetPort"))))
            {
                yield return $"{service}: targetPort '{port.Text("targetPort")}' is not a named container port";
            }
        }

        foreach (var pdb in chart.OfKind("PodDisruptionBudget"))
        {
            if (!deployments.TryGetValue(pdb.Name ?? "", out var deployment) || !Selects(pdb.Body.Map("spec.selector.matchLabels"), deployment))
            {
                yield return $"{pdb}: spec.selector must select the pods of deployment '{pdb.Name}'";
            }

            if (pdb.Body.At("spec.minAvailable") is null == pdb.Body.At("spec.maxUnavailable") is null)
            {
                yield return $"{pdb}: set exactly one of minAvailable and maxUnavailable";
            }
        }

        foreach (var hpa in chart.OfKind("HorizontalPodAutoscaler"))
        {
            if (hpa.Body.Text("spec.scaleTargetRef.kind") != "Deployment" || !deployments.ContainsKey(hpa.Body.Text("spec.scaleTargetRef.name") ?? ""))
            {
                yield return $"{hpa}: scaleTargetRef must name a deployment of the chart";
            }
        }

        foreach (var (name, deployment) in deployments)
        {
            var claims = deployment.Body.List("spec.template.spec.volumes").Select(v => v.Text("persistentVolumeClaim.claimName"))
                .OfType<string>();
            foreach (var claim in claims.Where(c => !chart.OfKind("PersistentVolumeClaim").Any(p => p.Name == c)))
            {
                yield return $"deployment {name}: volume claim '{claim}' is not rendered";
            }
        }

        // The grid is one SQLite file with one writer: never more than one replica (see values.yaml).
        if (deployments.GetValueOrDefault(AppIds.Grid) is { } grid
            && (grid.Body.At("spec.replicas") is not 1L || chart.OfKind("HorizontalPodAutoscaler").Any(h => h.Name == AppIds.Grid)))
        {
            yield return "grid must run exactly 1 replica without an HPA";
        }
    }

    public static IEnumerable<string> Ingress(Repo repo, RenderedChart chart)
    {
        var services = chart.OfKind("Service").ToDictionary(s => s.Name ?? "");
        var routeGroups = Names.RouteGroups(repo);
        var ingresses = chart.OfKind("Ingress").ToList();
        if (ingresses.Count == 0 && chart.Values.At("ingress.enabled") is true)
        {
            yield return "ingress.enabled but no Ingress rendered";
        }

        foreach (var ingress in ingresses)
        {
            var paths = ingress.Body.List("spec.rules").SelectMany(r => r.List("http.paths")).ToList();
            if (paths.Count == 0)
            {
                yield return $"{ingress}: no paths";
            }

            foreach (var path in paths)
            {
                var value = path.Text("path") ?? "";
                if (PrivateRoutes.Any(p => value.StartsWith(p, StringComparison.Ordinal)) || value is "/" or "")
                {
                    yield return $"{ingress}: path '{value}' exposes Dapr, actor, subscription or health routes";
                }

                if (!routeGroups.Contains(value))
                {
                    yield return $"{ingress}: path '{value}' is not a route group the services map (MapGroup)";
                }

                if (path.Text("pathType") is not ("Prefix" or "Exact"))
                {
                    yield return $"{ingress}: pathType must be Prefix or Exact";
                }

                var backend = path.Text("backend.service.name");
                if (backend != AppIds.Orders || !services.TryGetValue(backend, out var service))
                {
                    yield return $"{ingress}: the REST API is served by the '{AppIds.Orders}' service, not '{backend}'";
                    continue;
                }

                var port = path.Text("backend.service.port.name") ?? path.Text("backend.service.port.number");
                if (!service.Body.List("spec.ports").Any(p => p.Text("name") == port || p.Text("port") == port))
                {
                    yield return $"{ingress}: backend port '{port}' is not a port of service '{backend}'";
                }
            }
        }
    }

    /// <summary>One KafkaTopic per topic; tables compacted; partitions and replicas set; the Strimzi cluster label.</summary>
    public static IEnumerable<string> KafkaTopics(RenderedChart chart, IEnumerable<string> topicsInScopes)
    {
        if (chart.Values.At("kafkaTopics.enabled") is false)
        {
            // Topics managed in an existing Kafka (values-production.yaml): the chart must not create any.
            foreach (var topic in chart.OfKind("KafkaTopic"))
            {
                yield return $"{topic}: rendered although kafkaTopics.enabled is false";
            }

            yield break;
        }

        var topics = chart.OfKind("KafkaTopic").ToDictionary(t => t.Body.Text("spec.topicName") ?? t.Name ?? "");
        foreach (var topic in Names.Topics.Concat(topicsInScopes).Distinct().Where(t => !topics.ContainsKey(t)))
        {
            yield return $"topic '{topic}' has no KafkaTopic";
        }

        foreach (var (name, topic) in topics)
        {
            if (!Names.Topics.Contains(name))
            {
                yield return $"{topic}: '{name}' is not a topic in Topics";
            }

            if (topic.Body.Map("metadata.labels").GetValueOrDefault("strimzi.io/cluster") is not string { Length: > 0 })
            {
                yield return $"{topic}: label strimzi.io/cluster is required";
            }

            if (topic.Body.At("spec.partitions") is not long { } partitions || partitions < 1)
            {
                yield return $"{topic}: spec.partitions must be a positive integer";
            }

            if (topic.Body.At("spec.replicas") is not long { } replicas || replicas < 1)
            {
                yield return $"{topic}: spec.replicas must be a positive integer";
            }

            var compacted = topic.Body.Map("spec.config").GetValueOrDefault("cleanup.policy") as string == "compact";
            if (compacted != CompactedTopics.Contains(name))
            {
                yield return $"{topic}: cleanup.policy must {(compacted ? "not " : "")}be compact";
            }
        }
    }

    /// <summary>Chart services are exactly the deployed app ids, each with its project; dapr.yaml apps are in the chart.</summary>
    public static IEnumerable<string> AppNames(Repo repo, RenderedChart chart)
    {
        var services = chart.Values.Map("services");
        foreach (var app in Names.DeployedAppIds.Where(a => !services.ContainsKey(a)))
        {
            yield return $"app id '{app}' has no entry in values.yaml services";
        }

        foreach (var (name, service) in services)
        {
            if (!Names.DeployedAppIds.Contains(name))
            {
                yield return $"values.yaml service '{name}' is not a deployed app id in AppIds";
            }

            var project = service.Text("project") ?? "";
            if (!File.Exists(repo.Path("services", project, $"DaprOrders.{project}.csproj")))
            {
                yield return $"values.yaml service '{name}': services/{project}/DaprOrders.{project}.csproj does not exist";
            }
        }

        var runFile = YamlModel.LoadMapping(repo.Path("dapr.yaml"));
        foreach (var app in runFile.List("apps"))
        {
            var appId = app.Text("appID") ?? "";
            if (!Names.AppIds.Contains(appId))
            {
                yield return $"dapr.yaml app '{appId}' is not in AppIds";
            }

            // An app without a command is a sidecar alone (the loaders CLI's); every app that runs is deployed.
            if (app.At("command") is not null && !services.ContainsKey(appId))
            {
                yield return $"dapr.yaml app '{appId}' has no service in the chart";
            }

            var project = Path.GetFileName((app.Text("appDirPath") ?? "").TrimEnd('/'));
            if (services.ContainsKey(appId) && services.At(appId).Text("project") != project)
            {
                yield return $"dapr.yaml app '{appId}' runs services/{project}, the chart builds another project";
            }
        }
    }

    /// <summary>
    /// App settings in values.yaml are keys the service binds (Section__Property of its options classes), and the
    /// email service's sender is the SMTP binding's emailFrom.
    /// </summary>
    public static IEnumerable<string> AppSettings(Repo repo, RenderedChart chart)
    {
        foreach (var (name, service) in chart.Values.Map("services"))
        {
            var known = Names.OptionKeys(repo, service.Text("project") ?? "");
            foreach (var key in service.Map("env").Keys.Where(k => !known.Contains(k)))
            {
                yield return $"values.yaml services.{name}.env.{key} is not a setting of services/{service.Text("project")} " +
                    $"(known: {string.Join(", ", known.Order(StringComparer.Ordinal))})";
            }
        }

        var from = chart.Values.Map("services").GetValueOrDefault(AppIds.Email).Map("env").GetValueOrDefault("Email__From");
        var email = DaprResources.FromChart(chart).Component(DaprComponents.EmailBinding);
        if (email is null || YamlPath.Format(from) != DaprResources.Value(email, "emailFrom"))
        {
            yield return $"services.email.env.Email__From ('{from}') must be the '{DaprComponents.EmailBinding}' binding's emailFrom";
        }
    }

    /// <summary>
    /// Every key an overriding values file sets exists in values.yaml (a typo such as `replica:` would otherwise be
    /// ignored silently). Free-form maps (`env`, `topics`) may gain keys.
    /// </summary>
    public static IEnumerable<string> OverridesExist(Dictionary<string, object?> defaults, Dictionary<string, object?> overrides, string path = "")
    {
        foreach (var (key, value) in overrides)
        {
            var at = path.Length == 0 ? key : $"{path}.{key}";
            if (!defaults.TryGetValue(key, out var original))
            {
                if (!(path.EndsWith("env", StringComparison.Ordinal) || path.EndsWith("topics", StringComparison.Ordinal)))
                {
                    yield return $"'{at}' is not a key of values.yaml";
                }

                continue;
            }

            if (value is Dictionary<string, object?> inner && original is Dictionary<string, object?> under)
            {
                foreach (var problem in OverridesExist(under, inner, at))
                {
                    yield return problem;
                }
            }
        }
    }

    /// <summary>The chart's Dapr resources are the files in components/kubernetes (labels aside).</summary>
    public static IEnumerable<string> SameDaprResources(DaprResources files, DaprResources chart)
    {
        static string Key(Manifest m) => $"{m.Kind}/{m.Name}";
        var fromChart = chart.All.ToDictionary(Key);
        foreach (var file in files.All.Where(f => f.Name != "daprsystem"))
        {
            if (!fromChart.Remove(Key(file), out var rendered))
            {
                yield return $"{Key(file)} ({files.Place}/{file.Template}) is not rendered by the chart";
                continue;
            }

            if (Canonical(file) != Canonical(rendered))
            {
                yield return $"{Key(file)} differs between {files.Place}/{file.Template} and the chart:\n{Canonical(file)}\n---\n{Canonical(rendered)}";
            }
        }

        foreach (var key in fromChart.Keys)
        {
            yield return $"{key} is rendered by the chart but missing in {files.Place}";
        }
    }

    private static string Canonical(Manifest manifest)
    {
        var spec = manifest.Body.Map("spec");
        if (spec.GetValueOrDefault("metadata") is List<object?> metadata)
        {
            spec = new Dictionary<string, object?>(spec)
            {
                ["metadata"] = metadata.OrderBy(m => m.Text("name"), StringComparer.Ordinal).ToList(),
            };
        }

        return YamlJson.Canonical(new Dictionary<string, object?>
        {
            ["spec"] = spec,
            ["scopes"] = manifest.Body.At("scopes"),
        });
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemVer();

    [GeneratedRegex(@"^>=\s*(\d+\.\d+\.\d+)$")]
    private static partial Regex DaprVersionRange();
}
