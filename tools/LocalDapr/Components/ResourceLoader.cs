using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DaprOrders.LocalDapr.Components;

/// <summary>
/// Loads every `*.yaml`/`*.yml` file of the resources folders (each file may hold several `---` documents), as
/// daprd's self-hosted loader does, and rejects anything it could not run faithfully, naming file, field and line.
/// </summary>
public static class ResourceLoader
{
    /// <summary>
    /// Component types the runtime implements.
    /// </summary>
    public static readonly IReadOnlySet<string> KnownComponentTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "state.in-memory", "pubsub.kafka", "bindings.smtp",
    };

    private static readonly HashSet<string> OtherKinds = new(StringComparer.Ordinal) { "Subscription", "Resiliency", "Configuration" };

    public static RuntimeResources Load(IEnumerable<string> folders)
    {
        var components = new List<ComponentDefinition>();
        var documents = new List<ResourceDocument>();
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder))
            {
                throw new ResourceException(folder, "resourcesPath", null, "the folder does not exist");
            }

            var files = Directory.EnumerateFiles(folder)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                LoadFile(file, File.ReadAllText(file), components, documents);
            }
        }

        var duplicate = components.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            var second = duplicate.ElementAt(1);
            throw new ResourceException(second.SourceFile, "metadata.name", null, $"component '{duplicate.Key}' is defined twice (also in {duplicate.First().SourceFile})");
        }

        return new RuntimeResources(components, documents);
    }

    /// <summary>
    /// Parses one file's text; <paramref name="file"/> names it in errors.
    /// </summary>
    public static void LoadFile(string file, string text, List<ComponentDefinition> components, List<ResourceDocument> documents)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ResourceException(file, "(yaml)", (int)e.Start.Line, $"malformed YAML: {e.Message}");
        }

        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlScalarNode { Value: null or "" })
            {
                continue; // an empty document, e.g. after a trailing `---`
            }

            var root = document.RootNode as YamlMappingNode
                ?? throw new ResourceException(file, "(document)", Line(document.RootNode), "a resource must be a YAML mapping");
            var reader = new Fields(file);
            var apiVersion = reader.RequiredString(root, "apiVersion");
            var kind = reader.RequiredString(root, "kind");
            var metadata = reader.RequiredMapping(root, "metadata");
            var name = reader.RequiredString(metadata, "name", "metadata.name");
            var scopes = reader.Scopes(root);

            if (kind == "Component")
            {
                if (apiVersion != "dapr.io/v1alpha1")
                {
                    throw new ResourceException(file, "apiVersion", Line(root, "apiVersion"), $"a Component needs apiVersion 'dapr.io/v1alpha1', not '{apiVersion}'");
                }

                var spec = reader.RequiredMapping(root, "spec");
                var type = reader.RequiredString(spec, "type", "spec.type");
                if (!KnownComponentTypes.Contains(type))
                {
                    throw new ResourceException(file, "spec.type", Line(spec, "type"),
                        $"unknown component type '{type}' of '{name}'; supported: {string.Join(", ", KnownComponentTypes.Order(StringComparer.Ordinal))}");
                }

                var version = reader.RequiredString(spec, "version", "spec.version");
                if (version != "v1")
                {
                    throw new ResourceException(file, "spec.version", Line(spec, "version"), $"unsupported version '{version}' of {type} (only v1)");
                }

                components.Add(new ComponentDefinition(name, type, version, reader.ComponentMetadata(spec), scopes, file));
            }
            else if (OtherKinds.Contains(kind))
            {
                if (!apiVersion.StartsWith("dapr.io/", StringComparison.Ordinal))
                {
                    throw new ResourceException(file, "apiVersion", Line(root, "apiVersion"), $"a {kind} needs a dapr.io apiVersion, not '{apiVersion}'");
                }

                var spec = root.Children.TryGetValue(new YamlScalarNode("spec"), out var specNode)
                    ? specNode as YamlMappingNode ?? throw new ResourceException(file, "spec", Line(specNode), "spec must be a mapping")
                    : new YamlMappingNode();
                documents.Add(new ResourceDocument(kind, apiVersion, name, (IReadOnlyDictionary<string, object?>)ToPlain(spec)!, scopes, file));
            }
            else
            {
                throw new ResourceException(file, "kind", Line(root, "kind"), $"unknown kind '{kind}' (Component, Subscription, Resiliency, Configuration)");
            }
        }
    }

    /// <summary>
    /// YAML as plain data: mappings as dictionaries, sequences as lists, scalars as strings.
    /// </summary>
    private static object? ToPlain(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(
            c => ((YamlScalarNode)c.Key).Value ?? "", c => ToPlain(c.Value), StringComparer.Ordinal),
        YamlSequenceNode seq => seq.Children.Select(ToPlain).ToList(),
        YamlScalarNode scalar => scalar.Value,
        _ => null,
    };

    private static int Line(YamlNode node) => (int)node.Start.Line;

    private static int Line(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? Line(node) : Line(map);

    private sealed class Fields(string file)
    {
        public string RequiredString(YamlMappingNode map, string key, string? path = null)
        {
            path ??= key;
            if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node))
            {
                throw new ResourceException(file, path, Line(map), $"missing field '{path}'");
            }

            if (node is not YamlScalarNode { Value: { Length: > 0 } value })
            {
                throw new ResourceException(file, path, Line(node), $"'{path}' must be a non-empty string");
            }

            return value;
        }

        public YamlMappingNode RequiredMapping(YamlMappingNode map, string key)
        {
            if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node))
            {
                throw new ResourceException(file, key, Line(map), $"missing field '{key}'");
            }

            return node as YamlMappingNode ?? throw new ResourceException(file, key, Line(node), $"'{key}' must be a mapping");
        }

        public List<string> Scopes(YamlMappingNode root)
        {
            if (!root.Children.TryGetValue(new YamlScalarNode("scopes"), out var node))
            {
                return [];
            }

            if (node is not YamlSequenceNode sequence)
            {
                throw new ResourceException(file, "scopes", Line(node), "'scopes' must be a list of app ids");
            }

            return sequence.Children.Select((item, i) => item is YamlScalarNode { Value: { Length: > 0 } id }
                ? id
                : throw new ResourceException(file, $"scopes[{i}]", Line(item), "an app id must be a non-empty string")).ToList();
        }

        public Dictionary<string, string> ComponentMetadata(YamlMappingNode spec)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!spec.Children.TryGetValue(new YamlScalarNode("metadata"), out var node) || node is YamlScalarNode { Value: null or "" })
            {
                return result;
            }

            if (node is not YamlSequenceNode items)
            {
                throw new ResourceException(file, "spec.metadata", Line(node), "'spec.metadata' must be a list of {name, value}");
            }

            for (var i = 0; i < items.Children.Count; i++)
            {
                var path = $"spec.metadata[{i}]";
                if (items.Children[i] is not YamlMappingNode item)
                {
                    throw new ResourceException(file, path, Line(items.Children[i]), $"'{path}' must be a mapping with name and value");
                }

                var name = RequiredString(item, "name", path + ".name");
                if (item.Children.TryGetValue(new YamlScalarNode("secretKeyRef"), out var secret))
                {
                    throw new ResourceException(file, path + ".secretKeyRef", Line(secret), "secret stores are not supported; give a value");
                }

                if (!item.Children.TryGetValue(new YamlScalarNode("value"), out var valueNode))
                {
                    throw new ResourceException(file, path + ".value", Line(item), $"missing field '{path}.value' (metadata '{name}')");
                }

                result[name] = valueNode is YamlScalarNode scalar
                    ? scalar.Value ?? ""
                    : throw new ResourceException(file, path + ".value", Line(valueNode), $"'{path}.value' must be a string");
            }

            return result;
        }
    }
}

/// <summary>
/// A resource file the runtime cannot load: which file, which field, where.
/// </summary>
public sealed class ResourceException(string file, string field, int? line, string reason)
    : Exception(line is int l ? $"{file}:{l}: {field}: {reason}" : $"{file}: {field}: {reason}")
{
    public string File { get; } = file;

    public string Field { get; } = field;

    public int? Line { get; } = line;
}
