using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace DaprOrders.Deployment.Tests.Yaml;

/// <summary>
/// YAML as plain objects: mappings are <see cref="Dictionary{TKey,TValue}"/> of string keys, sequences are lists,
/// plain scalars are typed the way Kubernetes (YAML 1.2 core schema) reads them, quoted scalars stay strings.
/// </summary>
public static class YamlModel
{
    public static IReadOnlyList<object?> LoadAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return [.. stream.Documents.Select(d => ToObject(d.RootNode)).Where(d => d is not null)];
    }

    public static object? Load(string text) => LoadAll(text).SingleOrDefault();

    public static Dictionary<string, object?> LoadMapping(string path) =>
        Load(File.ReadAllText(path)) as Dictionary<string, object?>
            ?? throw new InvalidDataException($"{path} is not a YAML mapping");

    private static object? ToObject(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(
            e => ((YamlScalarNode)e.Key).Value ?? "", e => ToObject(e.Value), StringComparer.Ordinal),
        YamlSequenceNode seq => seq.Children.Select(ToObject).ToList(),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new InvalidDataException($"Unsupported YAML node {node.NodeType}"),
    };

    private static object? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not YamlDotNet.Core.ScalarStyle.Plain)
        {
            return text;
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                && text.Any(char.IsDigit) => d,
            _ => text,
        };
    }
}
