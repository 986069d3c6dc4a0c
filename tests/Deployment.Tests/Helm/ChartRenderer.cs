using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DaprOrders.Deployment.Tests.Yaml;

namespace DaprOrders.Deployment.Tests.Helm;

/// <summary>One rendered manifest: the template file it came from and the parsed object.</summary>
public sealed record Manifest(string Template, Dictionary<string, object?> Body)
{
    public string? Kind => Body.Text("kind");

    public string? Name => Body.Text("metadata.name");

    public override string ToString() => $"{Kind}/{Name} ({Template})";
}

/// <summary>
/// What helm rendered for one set of values files into one release namespace, and the values it rendered with.
/// </summary>
public sealed record RenderedChart(
    Dictionary<string, object?> Chart, Dictionary<string, object?> Values, IReadOnlyList<Manifest> Manifests, string Notes,
    string Namespace)
{
    public IEnumerable<Manifest> OfKind(string kind) => Manifests.Where(m => m.Kind == kind);
}

/// <summary>Helm failed to render: a template error, or values refused by values.schema.json.</summary>
public sealed class HelmRenderException(string message) : Exception(message);

/// <summary>
/// Renders the chart with helm. `helm install --dry-run=client -o json` runs the same render as `helm template`
/// (values.schema.json included) and also returns NOTES.txt, which `helm template` does not print. Renders are cached
/// by the content of the chart and values files, so the mutation tests render again only what they changed.
/// </summary>
public static partial class ChartRenderer
{
    public const string ReleaseName = "daprorders";
    /// <summary>
    /// The namespace the chart is rendered into unless a test names another: the one docs/kubernetes.md installs into,
    /// which components/kubernetes names where a namespace is needed (the access control's callers).
    /// </summary>
    public const string ReleaseNamespace = "daprorders";

    private static readonly ConcurrentDictionary<string, Lazy<RenderedChart>> Cache = new(StringComparer.Ordinal);

    public static RenderedChart Render(string chartDirectory, params string[] valuesFiles) =>
        RenderIn(ReleaseNamespace, chartDirectory, valuesFiles);

    /// <summary>The chart installed into <paramref name="releaseNamespace"/> (helm --namespace).</summary>
    public static RenderedChart RenderIn(string releaseNamespace, string chartDirectory, params string[] valuesFiles) =>
        Cache.GetOrAdd(ContentKey(releaseNamespace, chartDirectory, valuesFiles),
            _ => new(() => RenderNow(releaseNamespace, chartDirectory, valuesFiles))).Value;

    /// <summary>helm's arguments for `-f` each values file, in order (later files win).</summary>
    public static IEnumerable<string> ValuesArguments(IEnumerable<string> valuesFiles) =>
        valuesFiles.SelectMany(f => new[] { "--values", f });

    private static RenderedChart RenderNow(string releaseNamespace, string chartDirectory, string[] valuesFiles)
    {
        var result = HelmTool.Run([
            "install", ReleaseName, chartDirectory, "--namespace", releaseNamespace, "--dry-run=client", "--output", "json",
            .. ValuesArguments(valuesFiles)]);
        if (!result.Succeeded)
        {
            throw new HelmRenderException($"helm could not render {chartDirectory} with [{string.Join(", ", valuesFiles)}]: {result}");
        }

        using var release = JsonDocument.Parse(result.Output);
        var manifest = release.RootElement.GetProperty("manifest").GetString() ?? "";
        var notes = release.RootElement.GetProperty("info").TryGetProperty("notes", out var n) ? n.GetString() ?? "" : "";

        var values = YamlModel.LoadMapping(Path.Combine(chartDirectory, "values.yaml"));
        foreach (var file in valuesFiles)
        {
            values = Merge(values, YamlModel.LoadMapping(file));
        }

        return new RenderedChart(YamlModel.LoadMapping(Path.Combine(chartDirectory, "Chart.yaml")), values, Split(manifest), notes,
            releaseNamespace);
    }

    /// <summary>helm's stream of documents, each after a "# Source: chart/templates/file" comment.</summary>
    public static IReadOnlyList<Manifest> Split(string manifest)
    {
        var manifests = new List<Manifest>();
        foreach (var document in DocumentSeparator().Split(manifest))
        {
            var source = SourceComment().Match(document);
            if (YamlModel.Load(document) is not { } body)
            {
                continue;
            }

            var template = source.Success ? Path.GetFileName(source.Groups[1].Value.Trim()) : "?";
            manifests.Add(new Manifest(template, body as Dictionary<string, object?>
                ?? throw new InvalidDataException($"{template} rendered a document that is not a mapping")));
        }

        return manifests;
    }

    /// <summary>
    /// The values the templates saw, for the checks that read values (Helm's coalescing: later files win, maps merge
    /// deeply, null deletes a key). Only the checks use it; what is deployed is what helm rendered.
    /// </summary>
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

    private static string ContentKey(string releaseNamespace, string chartDirectory, string[] valuesFiles)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(releaseNamespace + "\0"));
        foreach (var file in Directory.GetFiles(chartDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(chartDirectory, file) + "\0"));
            hash.AppendData(File.ReadAllBytes(file));
        }

        foreach (var file in valuesFiles)
        {
            hash.AppendData("\0values\0"u8);
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    [GeneratedRegex(@"^---\s*$", RegexOptions.Multiline)]
    private static partial Regex DocumentSeparator();

    [GeneratedRegex(@"^# Source: (.+)$", RegexOptions.Multiline)]
    private static partial Regex SourceComment();
}
