using DaprOrders.LocalDapr.Components;

namespace DaprOrders.LocalDapr.Tests;

public sealed class ResourceLoaderTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("localdapr-resources-");

    [Fact]
    public void Components_and_other_kinds_load_from_multi_document_files()
    {
        Write("all.yaml", TestRuntime.StateStoreYaml + "\n---\n" + TestRuntime.MailYaml + """

            ---
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: retries
            spec:
              policies:
                retries:
                  fast:
                    policy: constant
                    duration: 10ms
            scopes:
              - orders
            """);
        Write("sub.yml", """
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: orders-sub
            spec:
              topic: orders
              pubsubname: pubsub
              routes:
                default: /events/orders
            """);
        Write("notes.txt", "not yaml: [");

        var resources = ResourceLoader.Load([_folder.FullName]);

        Assert.Equal(["email", "statestore"], resources.Components.Select(c => c.Name).Order());
        Assert.Equal("true", resources.Components.Single(c => c.Name == "statestore").GetMetadata("actorStateStore"));
        var resiliency = resources.OfKind("Resiliency").Single();
        Assert.Equal(["orders"], resiliency.Scopes);
        var policies = (IReadOnlyDictionary<string, object?>)resiliency.Spec["policies"]!;
        Assert.True(policies.ContainsKey("retries"));
        var subscription = resources.OfKind("Subscription").Single();
        Assert.Equal("orders", subscription.Spec["topic"]);
        Assert.EndsWith("sub.yml", subscription.SourceFile, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_component_type_names_file_field_and_line()
    {
        Write("queue.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: queue
            spec:
              type: pubsub.rabbitmq
              version: v1
            """);

        var error = Assert.Throws<ResourceException>(() => ResourceLoader.Load([_folder.FullName]));

        Assert.EndsWith("queue.yaml", error.File, StringComparison.Ordinal);
        Assert.Equal("spec.type", error.Field);
        Assert.Equal(6, error.Line);
        Assert.Contains("pubsub.rabbitmq", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_yaml_names_file_and_line()
    {
        Write("broken.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: [unclosed
            """);

        var error = Assert.Throws<ResourceException>(() => ResourceLoader.Load([_folder.FullName]));

        Assert.EndsWith("broken.yaml", error.File, StringComparison.Ordinal);
        Assert.NotNull(error.Line);
        Assert.Contains("broken.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains("malformed YAML", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kind: Component\nmetadata:\n  name: x\nspec:\n  type: state.in-memory\n  version: v1\n", "apiVersion")]
    [InlineData("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {}\nspec:\n  type: state.in-memory\n  version: v1\n", "metadata.name")]
    [InlineData("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n  version: v1\n", "spec.type")]
    [InlineData("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n  type: state.in-memory\n", "spec.version")]
    [InlineData("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n  type: state.in-memory\n  version: v1\n  metadata:\n    - value: \"1\"\n", "spec.metadata[0].name")]
    [InlineData("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n  type: state.in-memory\n  version: v1\n  metadata:\n    - name: a\n", "spec.metadata[0].value")]
    [InlineData("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n  type: state.in-memory\n  version: v1\nscopes: orders\n", "scopes")]
    [InlineData("apiVersion: dapr.io/v1alpha1\nkind: Gadget\nmetadata:\n  name: x\n", "kind")]
    [InlineData("apiVersion: example.com/v1\nkind: Component\nmetadata:\n  name: x\nspec:\n  type: state.in-memory\n  version: v1\n", "apiVersion")]
    public void Missing_or_invalid_fields_are_named(string yaml, string field)
    {
        Write("component.yaml", yaml);

        var error = Assert.Throws<ResourceException>(() => ResourceLoader.Load([_folder.FullName]));

        Assert.Equal(field, error.Field);
        Assert.Contains("component.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runtime_does_not_start_with_an_invalid_component()
    {
        Write("queue.yaml", "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: q\nspec:\n  type: queue.unknown\n  version: v1\n");

        var error = await Assert.ThrowsAsync<ResourceException>(() =>
            Runtime.LocalDaprRuntime.StartAsync(new Runtime.LocalDaprOptions { ResourcesPaths = [_folder.FullName] }, TestContext.Current.CancellationToken));

        Assert.Equal("spec.type", error.Field);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_folder.FullName, name), text);
}
