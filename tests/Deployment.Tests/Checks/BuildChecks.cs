using System.Text.RegularExpressions;
using System.Xml.Linq;
using DaprOrders.Deployment.Tests.Helm;
using DaprOrders.Deployment.Tests.Yaml;

namespace DaprOrders.Deployment.Tests.Checks;

/// <summary>The image build (services/Dockerfile, .dockerignore) and the Tilt dev loop against the repository.</summary>
public static partial class BuildChecks
{
    public static IEnumerable<string> Dockerfile(Repo repo, RenderedChart chart)
    {
        var path = repo.Path("services", "Dockerfile");
        if (!File.Exists(path))
        {
            yield return "services/Dockerfile is missing";
            yield break;
        }

        var lines = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var froms = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        var version = lines.Select(l => DotnetVersionArg().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
        if (version != "10.0")
        {
            yield return "ARG DOTNET_VERSION must default to 10.0 (global.json pins SDK 10)";
        }

        if (froms.Count < 2 || !froms[0].Contains("mcr.microsoft.com/dotnet/sdk:", StringComparison.Ordinal)
            || !froms[^1].Contains("mcr.microsoft.com/dotnet/aspnet:", StringComparison.Ordinal))
        {
            yield return "multi-stage: build FROM mcr.microsoft.com/dotnet/sdk, run FROM mcr.microsoft.com/dotnet/aspnet";
        }

        var finalStage = lines.SkipWhile(l => l != froms[^1]).ToList();
        var user = finalStage.LastOrDefault(l => l.StartsWith("USER ", StringComparison.Ordinal));
        if (user is null || user is "USER root" or "USER 0")
        {
            yield return "the final stage must switch to a non-root USER";
        }

        if (!finalStage.Any(l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal)))
        {
            yield return "the final stage needs an ENTRYPOINT";
        }

        if (!lines.Contains("ARG PROJECT"))
        {
            yield return "the build needs ARG PROJECT (the folder under services/)";
        }

        var copied = lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).SkipLast(1))
            .ToList();
        foreach (var project in chart.Values.Map("services").Values.Select(s => s.Text("project") ?? ""))
        {
            foreach (var source in copied.Select(c => c.Replace("${PROJECT}", project, StringComparison.Ordinal)))
            {
                if (!File.Exists(repo.Path(source)) && !Directory.Exists(repo.Path(source)))
                {
                    yield return $"PROJECT={project}: COPY source '{source}' does not exist";
                }
            }

            // Restore and publish only see what was copied: every referenced project must be among the sources.
            foreach (var referenced in ProjectReferences(repo.Path("services", project, $"DaprOrders.{project}.csproj")))
            {
                var folder = Path.GetRelativePath(repo.Root, Path.GetDirectoryName(referenced)!).Replace('\\', '/') + "/";
                if (!copied.Any(c => c.Replace("${PROJECT}", project, StringComparison.Ordinal) == folder))
                {
                    yield return $"PROJECT={project}: the Dockerfile does not COPY {folder}, which the project references";
                }
            }
        }
    }

    public static IEnumerable<string> DockerIgnore(Repo repo)
    {
        var path = repo.Path(".dockerignore");
        var patterns = File.Exists(path)
            ? File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList()
            : [];
        foreach (var required in new[] { "**/bin/", "**/obj/" })
        {
            if (!patterns.Contains(required))
            {
                yield return $".dockerignore must exclude {required} (host build output must not reach the image)";
            }
        }

        foreach (var needed in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig", "services/" })
        {
            if (patterns.Any(p => p == needed || p == needed.TrimEnd('/')))
            {
                yield return $".dockerignore excludes {needed}, which the image build copies";
            }
        }
    }

    /// <summary>Paths the Tilt files name exist, and the chart objects they group are rendered.</summary>
    public static IEnumerable<string> TiltFiles(Repo repo, RenderedChart devChart)
    {
        var files = new[] { repo.Path("Tiltfile") }
            .Concat(Directory.GetFiles(repo.Path("tilt"), "*.tiltfile")).ToList();
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            // os.path.join(root, 'tilt', 'dev', 'kafka.yaml'): only joins of literals name a fixed path.
            var paths = JoinedPath().Matches(text).Select(m => m.Groups[1].Value.Split(',').Select(a => a.Trim()).ToList())
                .Where(args => args.All(a => QuotedString().IsMatch(a)))
                .Select(args => string.Join('/', args.Select(a => a.Trim('\''))))
                .Concat(RepoPath().Matches(text).Select(m => m.Groups[1].Value));
            foreach (var path in paths.Where(p => !p.StartsWith("tilt/out", StringComparison.Ordinal)).Distinct())
            {
                if (!File.Exists(repo.Path(path)) && !Directory.Exists(repo.Path(path)))
                {
                    yield return $"{Path.GetFileName(file)} names '{path}', which does not exist";
                }
            }
        }

        var tiltfile = File.ReadAllText(repo.Path("Tiltfile"));
        var grouped = ObjectSelector().Matches(tiltfile).Select(m => (Name: m.Groups[1].Value, Kind: m.Groups[2].Value)).ToList();
        foreach (var (name, kind) in grouped)
        {
            if (!devChart.Manifests.Any(m => m.Name == name && string.Equals(m.Kind, kind, StringComparison.OrdinalIgnoreCase)))
            {
                yield return $"Tiltfile groups '{name}:{kind}', which the chart does not render";
            }
        }

        foreach (var resource in devChart.Manifests.Where(m => m.Body.Text("apiVersion") == DaprResources.ApiVersion))
        {
            if (!grouped.Any(g => g.Name == resource.Name && string.Equals(g.Kind, resource.Kind, StringComparison.OrdinalIgnoreCase)))
            {
                yield return $"Tiltfile does not wait for the Dapr control plane before {resource.Kind}/{resource.Name}";
            }
        }
    }

    /// <summary>The dev platform (tilt/dev/*.yaml) serves the hosts and ports that tilt/values-dev.yaml points at.</summary>
    public static IEnumerable<string> DevPlatform(Repo repo, RenderedChart devChart)
    {
        var platform = Directory.GetFiles(repo.Path("tilt", "dev"), "*.yaml")
            .SelectMany(f => YamlModel.LoadAll(File.ReadAllText(f))).OfType<Dictionary<string, object?>>().ToList();
        var cluster = devChart.Values.Text("kafkaTopics.cluster");
        var kafka = platform.FirstOrDefault(o => o.Text("kind") == "Kafka");
        if (kafka is null || kafka.Text("metadata.name") != cluster)
        {
            yield return $"tilt/dev has no Strimzi Kafka named '{cluster}' (kafkaTopics.cluster)";
            yield break;
        }

        var plain = kafka.List("spec.kafka.listeners").FirstOrDefault(l => l.At("tls") is false);
        var brokers = $"{cluster}-kafka-bootstrap:{plain.Text("port")}";
        if (devChart.Values.Text("kafka.brokers") != brokers)
        {
            yield return $"dev kafka.brokers must be {brokers} (Strimzi's bootstrap service, plain listener)";
        }

        var pools = platform.Where(o => o.Text("kind") == "KafkaNodePool" && o.Map("metadata.labels").GetValueOrDefault("strimzi.io/cluster") as string == cluster);
        if (pools.Sum(p => p.At("spec.replicas") as long? ?? 0) != 1)
        {
            yield return "the dev Kafka runs exactly one broker";
        }

        if (devChart.OfKind("KafkaTopic").Any(t => t.Body.At("spec.replicas") is not 1L))
        {
            yield return "dev KafkaTopics need replicas: 1 (one broker)";
        }

        var services = platform.Where(o => o.Text("kind") == "Service")
            .SelectMany(s => s.List("spec.ports").Select(p => $"{s.Text("metadata.name")}:{p.Text("port")}"))
            .ToHashSet(StringComparer.Ordinal);
        var endpoints = new Dictionary<string, string?>
        {
            ["redis.host"] = devChart.Values.Text("redis.host"),
            ["smtp"] = $"{devChart.Values.Text("smtp.host")}:{devChart.Values.Text("smtp.port")}",
            ["otel.endpoint"] = devChart.Values.Text("otel.endpoint")?.Replace("http://", "", StringComparison.Ordinal),
        };
        foreach (var (key, endpoint) in endpoints.Where(e => !services.Contains(e.Value ?? "")))
        {
            yield return $"dev {key} '{endpoint}' is not a Service port in tilt/dev";
        }
    }

    private static IEnumerable<string> ProjectReferences(string csproj)
    {
        if (!File.Exists(csproj))
        {
            yield break;
        }

        foreach (var include in XDocument.Load(csproj).Descendants("ProjectReference").Select(r => (string?)r.Attribute("Include")).OfType<string>())
        {
            var referenced = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(csproj)!, include.Replace('\\', '/')));
            yield return referenced;
            foreach (var transitive in ProjectReferences(referenced))
            {
                yield return transitive;
            }
        }
    }

    [GeneratedRegex(@"^ARG DOTNET_VERSION=(\S+)$")]
    private static partial Regex DotnetVersionArg();

    [GeneratedRegex(@"os\.path\.join\(root,\s*([^)]*)\)")]
    private static partial Regex JoinedPath();

    [GeneratedRegex(@"^'[^']*'$")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"'((?:charts|tilt|services|tests)/[A-Za-z0-9_./-]+)'")]
    private static partial Regex RepoPath();

    [GeneratedRegex(@"'([a-z0-9-]+):(component|configuration|resiliency|kafkatopic|persistentvolumeclaim)'")]
    private static partial Regex ObjectSelector();
}
