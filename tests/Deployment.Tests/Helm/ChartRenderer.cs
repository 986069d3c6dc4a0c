using DaprOrders.Deployment.Tests.Yaml;

namespace DaprOrders.Deployment.Tests.Helm;

/// <summary>One rendered manifest: the template file it came from and the parsed object.</summary>
public sealed record Manifest(string Template, Dictionary<string, object?> Body)
{
    public string? Kind => Body.Text("kind");

    public string? Name => Body.Text("metadata.name");

    public override string ToString() => $"{Kind}/{Name} ({Template})";
}

public sealed record RenderedChart(
    Dictionary<string, object?> Chart, Dictionary<string, object?> Values, IReadOnlyList<Manifest> Manifests, string Notes,
    IReadOnlyDictionary<string, string> Outputs)
{
    public IEnumerable<Manifest> OfKind(string kind) => Manifests.Where(m => m.Kind == kind);
}

/// <summary>
/// `helm template` for this chart, without helm: merges values files like Helm (later files win, maps merge deeply,
/// null deletes a key), renders every template with .Values, .Release, .Chart, and parses the YAML documents.
/// </summary>
public static class ChartRenderer
{
    public const string ReleaseName = "daprorders";
    public const string ReleaseNamespace = "daprorders";

    public static RenderedChart Render(string chartDirectory, params string[] valuesFiles)
    {
        var chart = YamlModel.LoadMapping(Path.Combine(chartDirectory, "Chart.yaml"));
        var values = YamlModel.LoadMapping(Path.Combine(chartDirectory, "values.yaml"));
        foreach (var file in valuesFiles)
        {
            values = Merge(values, YamlModel.LoadMapping(file));
        }

        var templatesDirectory = Path.Combine(chartDirectory, "templates");
        var files = Directory.GetFiles(templatesDirectory).Order(StringComparer.Ordinal).ToList();
        var parsed = files.Select(f => (File: f, Template: TemplateParser.Parse(File.ReadAllText(f), Path.GetFileName(f))))
            .ToList();
        var defines = parsed.SelectMany(p => p.Template.Defines)
            .ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
        var evaluator = new TemplateEvaluator(defines);
        var root = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Values"] = values,
            ["Release"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["Name"] = ReleaseName, ["Namespace"] = ReleaseNamespace, ["Service"] = "Helm",
                ["IsInstall"] = true, ["IsUpgrade"] = false,
            },
            ["Chart"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["Name"] = chart.Text("name"), ["Version"] = chart.Text("version"),
                ["AppVersion"] = chart.Text("appVersion"),
            },
        };

        var manifests = new List<Manifest>();
        var notes = "";
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (file, template) in parsed)
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith('_'))
            {
                continue;
            }

            var output = evaluator.Execute(template.Body, root);
            outputs[name] = output;
            if (name == "NOTES.txt")
            {
                notes = output;
                continue;
            }

            foreach (var document in YamlModel.LoadAll(output))
            {
                manifests.Add(new Manifest(name, document as Dictionary<string, object?>
                    ?? throw new InvalidDataException($"{name} rendered a document that is not a mapping")));
            }
        }

        return new RenderedChart(chart, values, manifests, notes, outputs);
    }

    public static Dictionary<string, object?> Merge(Dictionary<string, object?> under, Dictionary<string, object?> over)
    {
        var merged = new Dictionary<string, object?>(under, StringComparer.Ordinal);
        foreach (var (key, value) in over)
        {
            if (value is null)
            {
                merged.Remove(key);
            }
            else if (value is Dictionary<string, object?> map && merged.GetValueOrDefault(key) is Dictionary<string, object?> existing)
            {
                merged[key] = Merge(existing, map);
            }
            else
            {
                merged[key] = value;
            }
        }

        return merged;
    }
}
