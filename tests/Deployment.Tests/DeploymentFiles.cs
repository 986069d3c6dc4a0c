using DaprOrders.Deployment.Tests.Checks;
using DaprOrders.Deployment.Tests.Helm;
using DaprOrders.Deployment.Tests.Schemas;
using DaprOrders.Deployment.Tests.Yaml;

namespace DaprOrders.Deployment.Tests;

/// <summary>Everything the checks read from one checkout, loaded once.</summary>
public sealed class DeploymentFiles(Repo repo)
{
    private readonly Lazy<RenderedChart> _chart = new(() => ChartRenderer.Render(repo.Chart));
    private readonly Lazy<RenderedChart> _devChart = new(() => ChartRenderer.Render(repo.Chart, repo.DevValues));
    private readonly Lazy<RenderedChart> _productionChart =
        new(() => ChartRenderer.RenderIn(ProductionNamespace, repo.Chart, repo.ProductionValues));

    /// <summary>
    /// The release namespace of the production render: not the other renders' one, so that a namespace the templates
    /// write instead of taking .Release.Namespace shows.
    /// </summary>
    public const string ProductionNamespace = "orders-prod";

    public Repo Repo => repo;

    public DaprResources Local { get; } = DaprResources.FromFolder(repo.LocalComponents);

    public DaprResources Kubernetes { get; } = DaprResources.FromFolder(repo.KubernetesComponents);

    public RenderedChart Chart => _chart.Value;

    public RenderedChart DevChart => _devChart.Value;

    /// <summary>
    /// charts/daprorders/values-production.yaml: HPAs, TLS ingress, an existing Kafka with SASL/TLS; installed into
    /// <see cref="ProductionNamespace"/>.
    /// </summary>
    public RenderedChart ProductionChart => _productionChart.Value;

    /// <summary>Every place whose objects are deployed: the chart with each values file, and both components folders.</summary>
    public static IReadOnlyList<string> Places { get; } =
        ["default values", "dev values", "production values", "components/local", "components/kubernetes"];

    /// <summary>The objects of one place the schema tests name: a chart render or a components folder.</summary>
    public IReadOnlyList<Manifest> ManifestsOf(string place) => place switch
    {
        "default values" => Chart.Manifests,
        "dev values" => DevChart.Manifests,
        "production values" => ProductionChart.Manifests,
        "components/local" => Local.All,
        "components/kubernetes" => Kubernetes.All,
        _ => throw new ArgumentOutOfRangeException(nameof(place), place, "not a place of the deployment files"),
    };

    public IReadOnlySet<string> ActorTypes { get; } = Names.ActorTypes(repo);

    /// <summary>The HTTP methods the services map under each route group (the routes an invocation may reach).</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> RouteGroupMethods { get; } = Names.RouteGroupMethods(repo);

    /// <summary>App ids whose code keeps state (actors, workflows, IStateStore); projects come from values.yaml.</summary>
    public IReadOnlySet<string> AppsWithState => Names.AppsWithState(repo,
        Chart.Values.Map("services").ToDictionary(s => s.Key, s => s.Value.Text("project") ?? "", StringComparer.Ordinal));

    private static readonly string[] ScopeKeys = ["publishingScopes", "subscriptionScopes"];

    /// <summary>Topics named in the pub/sub scopes of a place: each needs a KafkaTopic.</summary>
    public static IEnumerable<string> TopicsInScopes(DaprResources resources) =>
        resources.Components.Where(c => c.Body.Text("spec.type") == "pubsub.kafka")
            .SelectMany(c => ScopeKeys.Select(k => DaprResources.Value(c, k)))
            .SelectMany(v => DaprResources.ParseScopes(v).Values.SelectMany(t => t));

    /// <summary>Every problem the checks find, for the tests that run them all on a mutated copy.</summary>
    public IEnumerable<string> AllProblems()
    {
        var chartResources = DaprResources.FromChart(Chart);
        var devResources = DaprResources.FromChart(DevChart);
        var productionResources = DaprResources.FromChart(ProductionChart);
        return Places.SelectMany(place => ManifestsOf(place).SelectMany(SchemaCatalog.Vendored.Validate).Select(p => $"[{place}] {p}"))
            .Concat(Places.SelectMany(place => ComponentMetadata.Check(new DaprResources(place, ManifestsOf(place)))))
            .Concat(ComponentChecks.Schema(productionResources))
            .Concat(ComponentChecks.StateStoreScopes(productionResources, AppsWithState))
            .Concat(ComponentChecks.ScopesMirror(Kubernetes, productionResources))
            .Concat(ComponentChecks.Schema(Local))
            .Concat(ComponentChecks.Schema(Kubernetes))
            .Concat(ComponentChecks.Schema(chartResources))
            .Concat(ComponentChecks.Schema(devResources))
            .Concat(ComponentChecks.NamesAgreeWithContracts(Local))
            .Concat(ComponentChecks.NamesAgreeWithContracts(Kubernetes))
            .Concat(ComponentChecks.NamesAgreeWithContracts(chartResources))
            .Concat(ComponentChecks.PubSubScopes(Local))
            .Concat(ComponentChecks.PubSubScopes(Kubernetes))
            .Concat(ComponentChecks.StateStoreScopes(Local, AppsWithState))
            .Concat(ComponentChecks.StateStoreScopes(Kubernetes, AppsWithState))
            .Concat(ComponentChecks.StateStoreScopes(chartResources, AppsWithState))
            .Concat(ComponentChecks.ScopesMirror(Local, Kubernetes))
            .Concat(ComponentChecks.ScopesMirror(Kubernetes, chartResources))
            .Concat(ComponentChecks.ScopesMirror(Kubernetes, devResources))
            .Concat(ComponentChecks.Resiliency(Local, ActorTypes, requireBreakers: false))
            .Concat(ComponentChecks.Resiliency(Kubernetes, ActorTypes, requireBreakers: true))
            .Concat(ComponentChecks.SubscriberRetryMirror(Local, Kubernetes))
            .Concat(ComponentChecks.WorkflowSettingsMirror(Local, Kubernetes))
            .Concat(ComponentChecks.AccessControl(Local, ComponentChecks.SelfHostedNamespace, RouteGroupMethods))
            .Concat(ComponentChecks.AccessControl(Kubernetes, ChartRenderer.ReleaseNamespace, RouteGroupMethods))
            .Concat(ComponentChecks.AccessControl(chartResources, Chart.Namespace, RouteGroupMethods))
            .Concat(ComponentChecks.AccessControl(devResources, DevChart.Namespace, RouteGroupMethods))
            .Concat(ComponentChecks.AccessControl(productionResources, ProductionChart.Namespace, RouteGroupMethods))
            .Concat(ComponentChecks.AccessControlMirror(Local, Kubernetes))
            .Concat(ComponentChecks.RunFileConfiguration(Repo, Local))
            .Concat(ChartChecks.ChartMetadata(Repo, Chart))
            .Concat(ChartChecks.OverridesExist(
                YamlModel.LoadMapping(Repo.Path("charts", "daprorders", "values.yaml")), YamlModel.LoadMapping(Repo.DevValues)))
            .Concat(ChartChecks.SameDaprResources(Kubernetes, chartResources))
            .Concat(BuildChecks.Dockerfile(Repo, Chart))
            .Concat(BuildChecks.TiltFiles(Repo, DevChart))
            .Concat(BuildChecks.DevPlatform(Repo, DevChart))
            .Concat(ForChart(Chart, "default values"))
            .Concat(ForChart(DevChart, "dev values"))
            .Concat(ForChart(ProductionChart, "production values"));
    }

    public IEnumerable<string> ForChart(RenderedChart rendered, string label) =>
        ChartChecks.Objects(rendered)
            .Concat(ChartChecks.Deployments(Repo, rendered))
            .Concat(ChartChecks.ServicesAndPolicies(rendered))
            .Concat(ChartChecks.Ingress(Repo, rendered))
            .Concat(ChartChecks.KafkaTopics(rendered, TopicsInScopes(Local).Concat(TopicsInScopes(Kubernetes))))
            .Concat(ChartChecks.AppNames(Repo, rendered))
            .Concat(ChartChecks.AppSettings(Repo, rendered))
            .Select(p => $"[{label}] {p}");
}
