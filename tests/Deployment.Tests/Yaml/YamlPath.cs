using System.Globalization;

namespace DaprOrders.Deployment.Tests.Yaml;

/// <summary>Navigation over <see cref="YamlModel"/> objects by dotted paths ("spec.template.metadata").</summary>
public static class YamlPath
{
    public static object? At(this object? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            node = node is Dictionary<string, object?> map && map.TryGetValue(part, out var next) ? next : null;
        }

        return node;
    }

    public static string? Text(this object? node, string path) => Format(node.At(path));

    public static Dictionary<string, object?> Map(this object? node, string path) =>
        node.At(path) as Dictionary<string, object?> ?? [];

    public static List<object?> List(this object? node, string path) => node.At(path) as List<object?> ?? [];

    public static string? Format(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
