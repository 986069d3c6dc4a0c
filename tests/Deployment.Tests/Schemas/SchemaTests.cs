using DaprOrders.Deployment.Tests.Helm;
using DaprOrders.Deployment.Tests.Yaml;

namespace DaprOrders.Deployment.Tests.Schemas;

/// <summary>Every object the repository deploys against the vendored schema of its kind.</summary>
public class SchemaTests
{
    private static readonly DeploymentFiles Files = new(Repo.Current);

    public static TheoryData<string> Places { get; } = [.. DeploymentFiles.Places];

    [Theory]
    [MemberData(nameof(Places))]
    public void Every_object_is_valid_against_its_schema(string place)
    {
        var manifests = Files.ManifestsOf(place);
        Assert.NotEmpty(manifests);
        var problems = manifests.SelectMany(SchemaCatalog.Vendored.Validate).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_catalog_has_a_schema_for_every_kind_the_issue_names() =>
        Assert.Superset(
            new HashSet<string>
            {
                "apps/v1 Deployment", "v1 Service", "networking.k8s.io/v1 Ingress", "policy/v1 PodDisruptionBudget",
                "autoscaling/v2 HorizontalPodAutoscaler", "v1 PersistentVolumeClaim", "v1 Secret", "networking.k8s.io/v1 NetworkPolicy", "dapr.io/v1alpha1 Component",
                "dapr.io/v1alpha1 Configuration", "dapr.io/v1alpha1 Resiliency", "dapr.io/v2alpha1 Subscription",
                "kafka.strimzi.io/v1beta2 KafkaTopic", "kafka.strimzi.io/v1 KafkaTopic",
            },
            SchemaCatalog.Vendored.Kinds.ToHashSet());

    // No Subscription is deployed (the services subscribe programmatically), so its schema is shown to bite here.
    private const string Subscription = """
        apiVersion: dapr.io/v2alpha1
        kind: Subscription
        metadata:
          name: orders
        spec:
          pubsubname: pubsub
          topic: orders
          routes:
            default: /events/orders
        scopes:
          - email
        """;

    [Fact]
    public void A_Subscription_is_valid_and_an_unknown_field_or_wrong_type_in_it_is_not()
    {
        Assert.Empty(Validate(Subscription));
        Assert.Contains(Validate(Subscription.Replace("  topic: orders", "  topics: orders", StringComparison.Ordinal)),
            p => p.Contains("spec.topics: NoAdditionalPropertiesAllowed", StringComparison.Ordinal));
        Assert.Contains(Validate(Subscription.Replace("    default: /events/orders", "    default: 7", StringComparison.Ordinal)),
            p => p.Contains("spec.routes.default: StringExpected", StringComparison.Ordinal));
    }

    [Fact]
    public void A_kind_without_a_vendored_schema_is_a_problem() =>
        Assert.Contains(Validate("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"),
            p => p.Contains("no vendored schema", StringComparison.Ordinal));

    private static List<string> Validate(string yaml) =>
        [.. SchemaCatalog.Vendored.Validate(new Manifest("test.yaml", (Dictionary<string, object?>)YamlModel.Load(yaml)!))];
}

/// <summary>Component metadata against components-contrib's metadata.yaml of each type.</summary>
public class ComponentMetadataTests
{
    private static readonly DeploymentFiles Files = new(Repo.Current);

    public static TheoryData<string> Places { get; } = [.. DeploymentFiles.Places];

    [Theory]
    [MemberData(nameof(Places))]
    public void Component_metadata_names_and_values_are_fields_of_their_type(string place)
    {
        var problems = ComponentMetadata.Check(new Checks.DaprResources(place, Files.ManifestsOf(place))).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_three_deployed_types_are_vendored_with_their_runtime_fields() =>
        Assert.Equal(
            (true, true, true, true, true),
            (ComponentMetadata.Types["pubsub.kafka"].ContainsKey("saslPassword"), ComponentMetadata.Types["pubsub.kafka"].ContainsKey("publishingScopes"),
             ComponentMetadata.Types["state.redis"].ContainsKey("actorStateStore"), ComponentMetadata.Types["state.redis"].ContainsKey("redisPassword"),
             ComponentMetadata.Types["bindings.smtp"].ContainsKey("emailFrom")));
}
