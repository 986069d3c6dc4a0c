using System.Text.Json.Nodes;
using DaprOrders.Deployment.Tests.Helm;
using DaprOrders.Deployment.Tests.Yaml;
using NJsonSchema;
using NJsonSchema.Validation;

namespace DaprOrders.Deployment.Tests.Schemas;

/// <summary>
/// The vendored schemas of every kind the repository deploys (Schemas/README.md names their sources and versions),
/// by apiVersion and kind, and validation of an object against its schema with NJsonSchema.
/// Kubernetes' own kinds use the "strict" schemas generated from the Kubernetes OpenAPI document: every object has
/// additionalProperties false except the free-form maps (labels, annotations, resource limits, selectors). The CRDs'
/// openAPIV3Schema is made strict the same way, because the API server prunes unknown CRD fields silently (a typo
/// in a Dapr resource is dropped, not refused): objects with declared properties get additionalProperties false unless
/// the CRD says x-kubernetes-preserve-unknown-fields, x-kubernetes-int-or-string becomes integer-or-string, and
/// metadata is checked as Kubernetes' ObjectMeta instead of the CRD's bare "type: object".
/// </summary>
public sealed class SchemaCatalog
{
    private static readonly string[] CrdFolders = ["dapr", "strimzi"];
    private static readonly string[] NestedSchemas = ["items", "additionalProperties"];
    private static readonly string[] Combinators = ["allOf", "anyOf", "oneOf"];

    private readonly Dictionary<string, JsonSchema> _schemas;

    private SchemaCatalog(Dictionary<string, JsonSchema> schemas) => _schemas = schemas;

    public static SchemaCatalog Vendored { get; } = Load(Repo.Current.Path("tests", "Deployment.Tests", "Schemas"));

    public IEnumerable<string> Kinds => _schemas.Keys.Order(StringComparer.Ordinal);

    public static SchemaCatalog Load(string folder)
    {
        var schemas = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        JsonNode? objectMeta = null;
        foreach (var file in Directory.GetFiles(Path.Combine(folder, "kubernetes"), "*.json").Order(StringComparer.Ordinal))
        {
            var node = JsonNode.Parse(File.ReadAllText(file))!;
            objectMeta ??= node["properties"]?["metadata"]?.DeepClone();
            var apiVersion = (string)node["properties"]!["apiVersion"]!["enum"]![0]!;
            var kind = (string)node["properties"]!["kind"]!["enum"]![0]!;
            schemas[Key(apiVersion, kind)] = Parse(node);
        }

        foreach (var file in CrdFolders.SelectMany(f => Directory.GetFiles(Path.Combine(folder, f), "*.yaml")).Order(StringComparer.Ordinal))
        {
            var crd = YamlModel.LoadMapping(file);
            var group = crd.Text("spec.group");
            var kind = crd.Text("spec.names.kind")!;
            foreach (var version in crd.List("spec.versions"))
            {
                var schema = JsonNode.Parse(YamlJson.Write(version.At("schema.openAPIV3Schema")))!.AsObject();
                MakeStrict(schema);
                if (objectMeta is not null && schema["properties"] is JsonObject properties)
                {
                    properties["metadata"] = objectMeta.DeepClone();
                }

                schemas[Key($"{group}/{version.Text("name")}", kind)] = Parse(schema);
            }
        }

        return new SchemaCatalog(schemas);
    }

    public bool Covers(Manifest manifest) => _schemas.ContainsKey(Key(manifest.Body.Text("apiVersion"), manifest.Kind));

    /// <summary>Problems of one object against the schema of its apiVersion and kind; an unknown kind is one too.</summary>
    public IEnumerable<string> Validate(Manifest manifest)
    {
        if (!_schemas.TryGetValue(Key(manifest.Body.Text("apiVersion"), manifest.Kind), out var schema))
        {
            return [$"{manifest}: no vendored schema for {manifest.Body.Text("apiVersion")} {manifest.Kind}"];
        }

        return Flatten(schema.Validate(YamlJson.Write(manifest.Body))).Distinct().Select(e => $"{manifest}: {e}");
    }

    private static IEnumerable<string> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            if (error is ChildSchemaValidationError child && child.Errors.Count > 0)
            {
                // oneOf/anyOf: every branch failed; the branches' own errors say why.
                foreach (var inner in Flatten(child.Errors.Values.SelectMany(e => e)))
                {
                    yield return inner;
                }

                continue;
            }

            if (error is MultiTypeValidationError multi)
            {
                // "type": ["array", "null"] and the like: the branch of the value's own type says what is wrong.
                foreach (var inner in Flatten(multi.Errors.Values.SelectMany(e => e).Where(e => e.Kind != ValidationErrorKind.NullExpected)))
                {
                    yield return inner;
                }

                continue;
            }

            var path = error.Path?.TrimStart('#', '/') ?? "";
            yield return $"{(path.Length == 0 ? "(root)" : path)}: {error.Kind}{(error.Property is { } p && !path.EndsWith(p, StringComparison.Ordinal) ? $" '{p}'" : "")}";
        }
    }

    private static void MakeStrict(JsonObject schema)
    {
        if (schema["x-kubernetes-int-or-string"] is JsonValue intOrString && intOrString.GetValue<bool>())
        {
            schema.Remove("type");
            schema["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" });
        }

        var preserves = schema["x-kubernetes-preserve-unknown-fields"] is JsonValue preserve && preserve.GetValue<bool>();
        if (schema["properties"] is JsonObject properties)
        {
            if (!preserves && !schema.ContainsKey("additionalProperties"))
            {
                schema["additionalProperties"] = false;
            }

            foreach (var (_, property) in properties)
            {
                if (property is JsonObject child)
                {
                    MakeStrict(child);
                }
            }
        }

        foreach (var key in NestedSchemas)
        {
            if (schema[key] is JsonObject child)
            {
                MakeStrict(child);
            }
        }

        foreach (var key in Combinators)
        {
            foreach (var child in (schema[key] as JsonArray ?? []).OfType<JsonObject>())
            {
                MakeStrict(child);
            }
        }
    }

    private static JsonSchema Parse(JsonNode schema) => JsonSchema.FromJsonAsync(schema.ToJsonString()).GetAwaiter().GetResult();

    private static string Key(string? apiVersion, string? kind) => $"{apiVersion} {kind}";
}
