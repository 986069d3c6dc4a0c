using System.Globalization;
using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Runtime;
using DaprOrders.LocalDapr.Sidecars;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DaprOrders.LocalDapr.Cli;

/// <summary>
/// The dapr CLI's multi-app run file (`dapr run -f`, docs developing-applications/local-development/multi-app-dapr-run):
/// `version`, `common` {`resourcesPath`|`resourcesPaths`, `env`}, `apps[]` {`appID`, `appDirPath`, `appPort`,
/// `command`, `env`, `daprHTTPPort`, `daprGRPCPort`, `appProtocol`, `resourcesPath`}. Paths are relative to the file. Entries with the
/// same appID are instances of one app. The runtime has one set of resources: app-level resource paths are added to it.
/// </summary>
public sealed record RunFile(IReadOnlyList<string> ResourcesPaths, IReadOnlyList<AppSpec> Apps)
{
    public static RunFile Load(string path)
    {
        var file = Path.GetFullPath(path);
        if (!File.Exists(file))
        {
            throw new ResourceException(file, "-f", null, "the run file does not exist");
        }

        var baseDir = Path.GetDirectoryName(file)!;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(File.ReadAllText(file)));
        }
        catch (YamlException e)
        {
            throw new ResourceException(file, "(yaml)", (int)e.Start.Line, $"malformed YAML: {e.Message}");
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ResourceException(file, "(document)", null, "a run file is one YAML mapping");
        }

        var reader = new Reader(file, baseDir);
        _ = reader.Scalar(root, "version", "version", required: true);
        var common = reader.Mapping(root, "common", "common");
        var resources = new List<string>();
        var commonEnv = new Dictionary<string, string>(StringComparer.Ordinal);
        if (common is not null)
        {
            resources.AddRange(reader.Paths(common, "resourcesPath", "common.resourcesPath"));
            resources.AddRange(reader.Paths(common, "resourcesPaths", "common.resourcesPaths"));
            foreach (var (key, value) in reader.Env(common, "common.env"))
            {
                commonEnv[key] = value;
            }
        }

        if (!root.Children.TryGetValue(new YamlScalarNode("apps"), out var appsNode) || appsNode is not YamlSequenceNode apps || apps.Children.Count == 0)
        {
            throw new ResourceException(file, "apps", null, "'apps' must list at least one app");
        }

        var specs = new List<AppSpec>();
        for (var i = 0; i < apps.Children.Count; i++)
        {
            var at = $"apps[{i}]";
            var app = apps.Children[i] as YamlMappingNode ?? throw new ResourceException(file, at, (int)apps.Children[i].Start.Line, "an app must be a mapping");
            var appId = reader.Scalar(app, "appID", at + ".appID", required: true)!;
            var dir = reader.Scalar(app, "appDirPath", at + ".appDirPath", required: true)!;
            var workingDirectory = Path.GetFullPath(Path.Combine(baseDir, dir));
            if (!Directory.Exists(workingDirectory))
            {
                throw new ResourceException(file, at + ".appDirPath", (int)app.Start.Line, $"folder {workingDirectory} does not exist");
            }

            var command = reader.Strings(app, "command", at + ".command");
            var env = new Dictionary<string, string>(commonEnv, StringComparer.Ordinal);
            foreach (var (key, value) in reader.Env(app, at + ".env"))
            {
                env[key] = value;
            }

            resources.AddRange(reader.Paths(app, "resourcesPath", at + ".resourcesPath"));
            specs.Add(new AppSpec(appId, command, workingDirectory)
            {
                Env = env,
                AppPort = reader.Port(app, "appPort", at + ".appPort"),
                HttpPort = reader.Port(app, "daprHTTPPort", at + ".daprHTTPPort"),
                GrpcPort = reader.Port(app, "daprGRPCPort", at + ".daprGRPCPort"),
                DaprApiToken = env.GetValueOrDefault("DAPR_API_TOKEN"),
                AppApiToken = env.GetValueOrDefault("APP_API_TOKEN"),
                AppProtocol = reader.Scalar(app, "appProtocol", at + ".appProtocol") switch
                {
                    null or AppProtocols.Http => AppProtocols.Http,
                    AppProtocols.Grpc => AppProtocols.Grpc,
                    var other => throw new ResourceException(file, at + ".appProtocol", (int)app.Start.Line, $"app protocol '{other}' is not supported (http, grpc)"),
                },
            });
        }

        return new RunFile(resources.Distinct(StringComparer.Ordinal).ToList(), specs);
    }

    private sealed class Reader(string file, string baseDir)
    {
        public string? Scalar(YamlMappingNode map, string key, string path, bool required = false)
        {
            if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node))
            {
                return required ? throw new ResourceException(file, path, (int)map.Start.Line, $"missing field '{path}'") : null;
            }

            return node is YamlScalarNode { Value: { Length: > 0 } value }
                ? value
                : throw new ResourceException(file, path, (int)node.Start.Line, $"'{path}' must be a non-empty value");
        }

        public YamlMappingNode? Mapping(YamlMappingNode map, string key, string path) =>
            !map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? null
                : node as YamlMappingNode ?? throw new ResourceException(file, path, (int)node.Start.Line, $"'{path}' must be a mapping");

        public List<string> Strings(YamlMappingNode map, string key, string path)
        {
            if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node))
            {
                return [];
            }

            if (node is not YamlSequenceNode items || items.Children.Any(c => c is not YamlScalarNode { Value: { Length: > 0 } }))
            {
                throw new ResourceException(file, path, (int)node.Start.Line, $"'{path}' must be a list of strings, e.g. [\"dotnet\", \"run\"]");
            }

            return items.Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
        }

        public IEnumerable<string> Paths(YamlMappingNode map, string key, string path)
        {
            if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node))
            {
                return [];
            }

            var values = node is YamlScalarNode ? [Scalar(map, key, path)!] : Strings(map, key, path);
            return values.Select(v => Path.GetFullPath(Path.Combine(baseDir, v)));
        }

        public Dictionary<string, string> Env(YamlMappingNode map, string path)
        {
            var env = Mapping(map, "env", path);
            return env?.Children.ToDictionary(
                c => ((YamlScalarNode)c.Key).Value ?? "",
                c => c.Value is YamlScalarNode scalar ? scalar.Value ?? "" : throw new ResourceException(file, path, (int)c.Value.Start.Line, $"'{path}' values must be strings"),
                StringComparer.Ordinal) ?? [];
        }

        public int? Port(YamlMappingNode map, string key, string path)
        {
            var value = Scalar(map, key, path);
            return value is null ? null
                : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port
                : throw new ResourceException(file, path, (int)map.Start.Line, $"'{path}' must be a port number, not '{value}'");
        }
    }
}
