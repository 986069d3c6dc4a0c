using DaprOrders.Deployment.Tests.Checks;

namespace DaprOrders.Deployment.Tests;

/// <summary>The checks on this checkout: components/, the chart (default and dev values), dapr.yaml, Contracts.</summary>
public class RepositoryTests
{
    private static readonly DeploymentFiles Files = new(Repo.Current);

    private static void AssertNone(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        Assert.True(list.Count == 0, string.Join(Environment.NewLine, list));
    }

    [Fact]
    public void Local_components_follow_the_Dapr_component_spec() =>
        AssertNone(ComponentChecks.Schema(Files.Local));

    [Fact]
    public void Kubernetes_components_follow_the_Dapr_component_spec() =>
        AssertNone(ComponentChecks.Schema(Files.Kubernetes));

    [Fact]
    public void Chart_Dapr_resources_follow_the_Dapr_component_spec_with_default_and_dev_values() =>
        AssertNone(ComponentChecks.Schema(DaprResources.FromChart(Files.Chart))
            .Concat(ComponentChecks.Schema(DaprResources.FromChart(Files.DevChart))));

    [Fact]
    public void Component_names_are_the_ones_in_DaprComponents_everywhere() =>
        AssertNone(ComponentChecks.NamesAgreeWithContracts(Files.Local)
            .Concat(ComponentChecks.NamesAgreeWithContracts(Files.Kubernetes))
            .Concat(ComponentChecks.NamesAgreeWithContracts(DaprResources.FromChart(Files.Chart)))
            .Concat(ComponentChecks.NamesAgreeWithContracts(DaprResources.FromChart(Files.DevChart))));

    [Fact]
    public void Pub_sub_scopes_name_known_apps_and_topics_and_keep_a_single_writer_of_orders() =>
        AssertNone(ComponentChecks.PubSubScopes(Files.Local).Concat(ComponentChecks.PubSubScopes(Files.Kubernetes)));

    [Fact]
    public void The_actor_state_store_is_scoped_to_the_apps_with_state_and_orders_loads_it_for_its_workflow() =>
        AssertNone(ComponentChecks.StateStoreScopes(Files.Local, Files.AppsWithState)
            .Concat(ComponentChecks.StateStoreScopes(Files.Kubernetes, Files.AppsWithState))
            .Concat(ComponentChecks.StateStoreScopes(DaprResources.FromChart(Files.Chart), Files.AppsWithState))
            .Concat(ComponentChecks.StateStoreScopes(DaprResources.FromChart(Files.DevChart), Files.AppsWithState)));

    [Fact]
    public void Apps_with_actors_or_views_are_found_and_the_stateless_ones_are_not() =>
        Assert.Equal("email fraud inventory orders", string.Join(' ', Files.AppsWithState.Order(StringComparer.Ordinal)));

    [Fact]
    public void Finished_workflows_are_purged_after_the_same_retention_locally_and_on_a_cluster() =>
        AssertNone(ComponentChecks.WorkflowSettingsMirror(Files.Local, Files.Kubernetes)
            .Concat(ComponentChecks.RunFileConfiguration(Files.Repo, Files.Local)));

    [Fact]
    public void Kubernetes_and_chart_pub_sub_scopes_are_exactly_the_local_ones() =>
        AssertNone(ComponentChecks.ScopesMirror(Files.Local, Files.Kubernetes)
            .Concat(ComponentChecks.ScopesMirror(Files.Kubernetes, DaprResources.FromChart(Files.Chart)))
            .Concat(ComponentChecks.ScopesMirror(Files.Kubernetes, DaprResources.FromChart(Files.DevChart))));

    [Fact]
    public void Resiliency_targets_existing_policies_components_and_actor_types() =>
        AssertNone(ComponentChecks.Resiliency(Files.Local, Files.ActorTypes, requireBreakers: false)
            .Concat(ComponentChecks.Resiliency(Files.Kubernetes, Files.ActorTypes, requireBreakers: true))
            .Concat(ComponentChecks.SubscriberRetryMirror(Files.Local, Files.Kubernetes)));

    [Fact]
    public void Every_actor_type_in_the_services_is_found() =>
        Assert.Superset(new HashSet<string> { "CustomerSpendActor", "ProductStockActor" }, Files.ActorTypes.ToHashSet());

    [Fact]
    public void No_resiliency_policy_targets_the_actor_the_orders_workflow_replaced()
    {
        var targeted = new[] { Files.Local, Files.Kubernetes, DaprResources.FromChart(Files.Chart) }
            .SelectMany(r => r.All.Where(m => m.Kind == "Resiliency"))
            .SelectMany(m => Yaml.YamlPath.Map(m.Body, "spec.targets.actors").Keys);
        Assert.Empty(targeted.Intersect(Names.ReplacedActorTypes));
    }

    [Fact]
    public void Chart_renders_the_Dapr_resources_of_components_kubernetes() =>
        AssertNone(ChartChecks.SameDaprResources(Files.Kubernetes, DaprResources.FromChart(Files.Chart)));

    [Fact]
    public void Chart_metadata_and_notes_document_the_prerequisites() =>
        AssertNone(ChartChecks.ChartMetadata(Files.Repo, Files.Chart));

    [Fact]
    public void Chart_objects_have_known_kinds_api_versions_and_valid_names() =>
        AssertNone(ChartChecks.Objects(Files.Chart).Concat(ChartChecks.Objects(Files.DevChart)));

    [Fact]
    public void Deployments_carry_Dapr_annotations_ports_and_probes_that_agree() =>
        AssertNone(ChartChecks.Deployments(Files.Repo, Files.Chart).Concat(ChartChecks.Deployments(Files.Repo, Files.DevChart)));

    [Fact]
    public void Services_budgets_autoscalers_and_volumes_point_at_the_chart_deployments() =>
        AssertNone(ChartChecks.ServicesAndPolicies(Files.Chart).Concat(ChartChecks.ServicesAndPolicies(Files.DevChart)));

    [Fact]
    public void Ingress_exposes_only_the_REST_API_of_the_orders_service() =>
        AssertNone(ChartChecks.Ingress(Files.Repo, Files.Chart));

    [Fact]
    public void Every_topic_has_a_KafkaTopic_and_tables_are_compacted() =>
        AssertNone(ChartChecks.KafkaTopics(Files.Chart, DeploymentFiles.TopicsInScopes(Files.Local))
            .Concat(ChartChecks.KafkaTopics(Files.DevChart, DeploymentFiles.TopicsInScopes(Files.Kubernetes))));

    [Fact]
    public void Chart_services_dapr_yaml_apps_and_app_ids_agree() =>
        AssertNone(ChartChecks.AppNames(Files.Repo, Files.Chart));

    [Fact]
    public void App_settings_in_the_chart_are_settings_the_services_bind() =>
        AssertNone(ChartChecks.AppSettings(Files.Repo, Files.Chart).Concat(ChartChecks.AppSettings(Files.Repo, Files.DevChart)));

    [Fact]
    public void Every_app_id_is_deployed_by_the_chart_except_the_loader() =>
        Assert.Equal(
            Names.DeployedAppIds.Order(StringComparer.Ordinal),
            Files.Chart.OfKind("Deployment").Select(d => d.Name!).Order(StringComparer.Ordinal));

    [Fact]
    public void Dockerfile_builds_every_chart_project_in_two_stages_as_non_root() =>
        AssertNone(BuildChecks.Dockerfile(Files.Repo, Files.Chart).Concat(BuildChecks.DockerIgnore(Files.Repo)));

    [Fact]
    public void Tilt_files_name_existing_paths_and_rendered_objects() =>
        AssertNone(BuildChecks.TiltFiles(Files.Repo, Files.DevChart));

    [Fact]
    public void Dev_platform_serves_the_hosts_and_ports_the_dev_values_point_at() =>
        AssertNone(BuildChecks.DevPlatform(Files.Repo, Files.DevChart));

    [Fact]
    public void Dev_values_override_only_keys_the_chart_has() =>
        AssertNone(ChartChecks.OverridesExist(
            Yaml.YamlModel.LoadMapping(Path.Combine(Repo.Current.Chart, "values.yaml")), Yaml.YamlModel.LoadMapping(Repo.Current.DevValues)));

    [Fact]
    public void Dev_values_run_one_Kafka_broker_without_authentication() =>
        Assert.Equal(
            ("none", "daprorders-kafka-bootstrap:9092", 1L),
            (Checks.DaprResources.Value(DaprResources.FromChart(Files.DevChart).Component("pubsub")!, "authType"),
             Checks.DaprResources.Value(DaprResources.FromChart(Files.DevChart).Component("pubsub")!, "brokers"),
             (long)Files.DevChart.OfKind("KafkaTopic").Max(t => (long)Yaml.YamlPath.At(t.Body, "spec.replicas")!)));

    [Fact]
    public void Every_deployment_carries_its_own_Dapr_app_and_api_token_secrets() =>
        AssertNone(SecurityChecks.ApiTokens(Files.Chart).Concat(SecurityChecks.ApiTokens(Files.DevChart))
            .Concat(SecurityChecks.ApiTokens(Files.ProductionChart)));

    [Fact]
    public void Network_policies_allow_exactly_the_flows_of_each_service() =>
        AssertNone(SecurityChecks.NetworkPolicies(Files.Chart, required: true)
            .Concat(SecurityChecks.NetworkPolicies(Files.ProductionChart, required: true))
            .Concat(SecurityChecks.NetworkPolicies(Files.DevChart, required: false)));

    [Fact]
    public void The_expected_flows_of_orders_are_the_documented_ones()
    {
        var orders = Files.Chart.OfKind("Deployment").Single(d => d.Name == "orders");

        var flows = SecurityChecks.ExpectedFlows(Files.Chart, orders).ToList();

        Assert.Contains(flows, f => f.StartsWith("ingress from {\"namespaceSelector\"", StringComparison.Ordinal) && f.EndsWith(" 8080/TCP", StringComparison.Ordinal));
        Assert.Contains(flows, f => f.Contains("\"dapr.io/app-id\":\"loader\"", StringComparison.Ordinal) && f.EndsWith(" 50002/TCP", StringComparison.Ordinal));
        Assert.Equal(["50001/TCP", "50005/TCP", "50006/TCP", "6500/TCP"],
            flows.Where(f => f.Contains("dapr-system", StringComparison.Ordinal)).Select(f => f.Split(' ')[^1]).Order(StringComparer.Ordinal));
        Assert.Contains(flows, f => f.StartsWith("egress to {\"podSelector\":{\"matchLabels\":{\"strimzi.io", StringComparison.Ordinal) && f.EndsWith(" 9093/TCP", StringComparison.Ordinal));
        Assert.Contains(flows, f => f.EndsWith(" 6379/TCP", StringComparison.Ordinal));
        Assert.DoesNotContain(flows, f => f.EndsWith(" 587/TCP", StringComparison.Ordinal));
        Assert.DoesNotContain(flows, f => f.EndsWith(" 3500/TCP", StringComparison.Ordinal));
    }
}
