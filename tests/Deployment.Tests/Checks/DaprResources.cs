using DaprOrders.Deployment.Tests.Helm;
using DaprOrders.Deployment.Tests.Yaml;

namespace DaprOrders.Deployment.Tests.Checks;

/// <summary>The Dapr resources of one place: a components folder, or the chart's rendered manifests.</summary>
public sealed record DaprResources(string Place, IReadOnlyList<Manifest> All)
{
    public const string ApiVersion = "dapr.io/v1alpha1";

    public static DaprResources FromFolder(string folder) => new(
        Path.GetFileName(folder),
        [.. Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal)
            .SelectMany(file => YamlModel.LoadAll(File.ReadAllText(file))
                .Select(doc => new Manifest(Path.GetFileName(file), doc as Dictionary<string, object?>
                    ?? throw new InvalidDataException($"{file} holds a document that is not a mapping"))))]);

    public static DaprResources FromChart(RenderedChart chart) =>
        new("chart", [.. chart.Manifests.Where(m => m.Body.Text("apiVersion") == ApiVersion)]);

    public IEnumerable<Manifest> Components => All.Where(m => m.Kind == "Component");

    public Manifest? Component(string name) => Components.SingleOrDefault(m => m.Name == name);

    /// <summary>spec.metadata as name -> entry ({name, value} or {name, secretKeyRef}).</summary>
    public static Dictionary<string, Dictionary<string, object?>> Metadata(Manifest component)
    {
        var entries = new Dictionary<string, Dictionary<string, object?>>(StringComparer.Ordinal);
        foreach (var item in component.Body.List("spec.metadata").OfType<Dictionary<string, object?>>())
        {
            entries.TryAdd(item.Text("name") ?? "", item);
        }

        return entries;
    }

    public static string? Value(Manifest component, string name) =>
        Metadata(component).GetValueOrDefault(name).Text("value");

    public static IReadOnlyList<string> Scopes(Manifest component) =>
        [.. component.Body.List("scopes").Select(YamlPath.Format).OfType<string>()];

    /// <summary>"app1=t1,t2;app2=" as app -> topics.</summary>
    public static Dictionary<string, IReadOnlyList<string>> ParseScopes(string? value)
    {
        var scopes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var part in (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var app = equals < 0 ? part : part[..equals];
            var topics = equals < 0 ? "" : part[(equals + 1)..];
            scopes[app.Trim()] = [.. topics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        return scopes;
    }
}
