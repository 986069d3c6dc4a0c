using System.Globalization;
using System.Text.RegularExpressions;
using DaprOrders.Deployment.Tests.Checks;
using DaprOrders.Deployment.Tests.Yaml;

namespace DaprOrders.Deployment.Tests.Schemas;

/// <summary>One metadata field a component type accepts: its type in metadata.yaml and, if listed, its values.</summary>
public sealed record MetadataField(string Name, string Type, IReadOnlySet<string>? AllowedValues);

/// <summary>
/// Component metadata against components-contrib's metadata.yaml of its type (vendored in Schemas/component-metadata):
/// every name must be a field of the type or of one of its authentication profiles, or one of the fields the Dapr
/// runtime reads for every component of the building block; values must have the field's type and allowed values.
/// The Component CRD accepts any name, so without this a misspelled field is ignored by daprd.
/// </summary>
public static partial class ComponentMetadata
{
    /// <summary>
    /// Fields components-contrib's metadata builder adds to every component of a building block instead of each
    /// metadata.yaml listing them (.build-tools/pkg/metadataschema/validators.go, v1.18.4): the pub/sub scoping fields
    /// and consumerID; keyPrefix on state stores, actorStateStore on those with that capability, outbox fields on
    /// transactional ones.
    /// </summary>
    private static readonly MetadataField[] PubSubBuiltIns =
    [
        new("consumerID", "string", null), new("allowedTopics", "string", null), new("publishingScopes", "string", null),
        new("subscriptionScopes", "string", null), new("protectedTopics", "string", null),
    ];

    private static readonly string[] OutboxFields = ["outboxPublishPubsub", "outboxPublishTopic", "outboxPubsub"];

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyDictionary<string, MetadataField>>> Vendored =
        new(() => Load(Repo.Current.Path("tests", "Deployment.Tests", "Schemas", "component-metadata")));

    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, MetadataField>> Types => Vendored.Value;

    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, MetadataField>> Load(string folder) =>
        Directory.GetFiles(folder, "*.yaml").ToDictionary(
            file => Path.GetFileNameWithoutExtension(file),
            file => (IReadOnlyDictionary<string, MetadataField>)Fields(YamlModel.LoadMapping(file)),
            StringComparer.Ordinal);

    public static IEnumerable<string> Check(DaprResources resources)
    {
        foreach (var component in resources.Components)
        {
            var type = component.Body.Text("spec.type") ?? "";
            if (!Types.TryGetValue(type, out var fields))
            {
                // Only the types deployed to a cluster are vendored; local-only ones (state.in-memory) are not checked.
                continue;
            }

            foreach (var item in component.Body.List("spec.metadata"))
            {
                var name = item.Text("name") ?? "";
                var where = $"{resources.Place}/{component.Template} {component.Kind}/{component.Name}: metadata '{name}'";
                if (!fields.TryGetValue(name, out var field))
                {
                    var near = fields.Keys.Where(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)).ToList();
                    yield return $"{where} is not a field of {type} (components-contrib metadata.yaml)" +
                        (near.Count > 0 ? $"; did you mean '{near[0]}'?" : "");
                    continue;
                }

                if (item.At("value") is not { } raw)
                {
                    continue;
                }

                var value = YamlPath.Format(raw) ?? "";
                var problem = field.Type switch
                {
                    "bool" when value is not ("true" or "false") => $"must be \"true\" or \"false\", found '{value}'",
                    "number" when !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => $"must be a number, found '{value}'",
                    "duration" when !GoDuration().IsMatch(value) => $"must be a Go duration, found '{value}'",
                    _ when field.AllowedValues is { } allowed && !allowed.Contains(value) =>
                        $"must be one of {string.Join(", ", allowed.Order(StringComparer.Ordinal))}, found '{value}'",
                    _ => null,
                };
                if (problem is not null)
                {
                    yield return $"{where} {problem}";
                }
            }
        }
    }

    private static Dictionary<string, MetadataField> Fields(Dictionary<string, object?> definition)
    {
        var declared = definition.List("metadata")
            .Concat(definition.List("authenticationProfiles").SelectMany(p => p.List("metadata")))
            .Concat(definition.List("builtinAuthenticationProfiles").SelectMany(p => p.List("metadata")))
            .Select(f => new MetadataField(
                f.Text("name") ?? "",
                f.Text("type") ?? "string",
                f.At("allowedValues") is List<object?> values ? values.Select(YamlPath.Format).OfType<string>().ToHashSet(StringComparer.Ordinal) : null));

        var capabilities = definition.List("capabilities").Select(YamlPath.Format).ToHashSet(StringComparer.Ordinal);
        var builtIns = new List<MetadataField>();
        if (definition.Text("type") == "pubsub")
        {
            builtIns.AddRange(PubSubBuiltIns);
        }
        else if (definition.Text("type") == "state")
        {
            builtIns.Add(new("keyPrefix", "string", null));
            if (capabilities.Contains("actorStateStore"))
            {
                builtIns.Add(new("actorStateStore", "bool", null));
            }

            if (capabilities.Contains("transactional"))
            {
                builtIns.AddRange(OutboxFields.Select(n => new MetadataField(n, "string", null)));
                builtIns.Add(new("outboxDiscardWhenMissingState", "bool", null));
            }
        }

        // A name in several profiles (authType) takes the union of their allowed values.
        return declared.Concat(builtIns).GroupBy(f => f.Name, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => g.Any(f => f.AllowedValues is null)
                ? g.First() with { AllowedValues = null }
                : g.First() with { AllowedValues = g.SelectMany(f => f.AllowedValues!).ToHashSet(StringComparer.Ordinal) },
            StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex GoDuration();
}
