using System.Text.RegularExpressions;
using DaprOrders.Deployment.Tests.Helm;

namespace DaprOrders.Deployment.Tests;

/// <summary>What helm itself says about the chart: lint, values.schema.json, packaging, the documented commands.</summary>
public partial class HelmTests
{
    private static readonly Repo Repo = Repo.Current;

    public static TheoryData<string> ValuesFiles { get; } = ["", "tilt/values-dev.yaml", "charts/daprorders/values-production.yaml"];

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void Helm_lint_strict_passes(string valuesFile)
    {
        var result = HelmTool.Run(Repo.Root, ["lint", "--strict", "charts/daprorders", .. valuesFile.Length == 0 ? [] : new[] { "--values", valuesFile }]);
        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("0 chart(s) failed", result.Output, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> RefusedValues { get; } = new()
    {
        { "services:\n  fraud:\n    replica: 1\n", "at '/services/fraud': additional properties 'replica' not allowed" },
        { "kafka:\n  tls:\n    enable: false\n", "at '/kafka/tls': additional properties 'enable' not allowed" },
        { "monitoring: true\n", "additional properties 'monitoring' not allowed" },
        { "kafkaTopics:\n  partitions: \"six\"\n", "at '/kafkaTopics/partitions': got string, want integer" },
        { "services:\n  orders:\n    autoscaling:\n      enabled: \"yes\"\n", "at '/services/orders/autoscaling/enabled': got string, want boolean" },
        { "kafka:\n  auth:\n    type: sasl\n", "at '/kafka/auth/type'" },
        { "dapr:\n  workflow:\n    stateRetentionPolicy:\n      completed: \"1 hour\"\n", "at '/dapr/workflow/stateRetentionPolicy/completed'" },
        { "kafkaTopics:\n  topics:\n    orders:\n      compacted: true\n", "at '/kafkaTopics/topics/orders': additional properties 'compacted' not allowed" },
        { "dapr:\n  accessControl:\n    enabled: \"no\"\n", "at '/dapr/accessControl/enabled': got string, want boolean" },
    };

    [Theory]
    [MemberData(nameof(RefusedValues))]
    public void Values_schema_refuses_an_unknown_key_or_a_wrong_type_naming_it(string values, string expected)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("daprorders-values-").FullName, "values.yaml");
        File.WriteAllText(file, values);
        foreach (var command in new[] { "template", "install" })
        {
            var result = HelmTool.Run(Repo.Root, [command, "daprorders", "charts/daprorders", "--dry-run=client", "--values", file]);
            Assert.False(result.Succeeded, $"helm {command} accepted:{Environment.NewLine}{values}");
            Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Helm_package_builds_the_archive_and_it_renders_like_the_folder()
    {
        var destination = Directory.CreateTempSubdirectory("daprorders-package-").FullName;
        var package = HelmTool.Run(Repo.Root, "package", "charts/daprorders", "--destination", destination);
        Assert.True(package.Succeeded, package.ToString());

        var version = ChartRenderer.Render(Repo.Chart).Chart["version"];
        var archive = Path.Combine(destination, $"daprorders-{version}.tgz");
        Assert.True(File.Exists(archive), package.ToString());

        var fromArchive = HelmTool.Run(Repo.Root, "template", "daprorders", archive, "--namespace", "daprorders");
        var fromFolder = HelmTool.Run(Repo.Root, "template", "daprorders", "charts/daprorders", "--namespace", "daprorders");
        Assert.True(fromArchive.Succeeded, fromArchive.ToString());
        Assert.Equal(fromFolder.Output, fromArchive.Output);
    }

    /// <summary>Shell variables the documented commands use, with sample values.</summary>
    private static readonly Dictionary<string, string> DocumentedVariables = new(StringComparer.Ordinal)
    {
        ["$REGISTRY"] = "ghcr.io/acme",
        ["$TAG"] = "0.1.0",
    };

    private static readonly string[] Documents = ["README.md", "docs/kubernetes.md", "charts/daprorders/README.md"];

    public static TheoryData<string, string> DocumentedInstalls()
    {
        var data = new TheoryData<string, string>();
        foreach (var document in Documents)
        {
            var text = File.ReadAllText(Repo.Path(document.Split('/'))).Replace("\\\n", " ", StringComparison.Ordinal);
            foreach (Match command in ChartInstall().Matches(text))
            {
                data.Add(document, Regex.Replace(command.Value.Trim(), @"\s+", " "));
            }
        }

        return data;
    }

    [Fact]
    public void Every_document_that_installs_the_chart_is_found() =>
        Assert.Equal(Documents, DocumentedInstalls().Select(d => d.Data.Item1).Distinct());

    [Theory]
    [MemberData(nameof(DocumentedInstalls))]
    public void A_documented_install_renders_with_helm_template(string document, string command)
    {
        // `helm upgrade --install NAME CHART flags...` renders as `helm template NAME CHART flags...`; the flags that only
        // matter against a cluster are dropped.
        var words = command.Split(' ').Skip(3)
            .Where(w => w is not ("--create-namespace" or "--wait" or "--atomic"))
            .Select(w => DocumentedVariables.Aggregate(w, (word, variable) => word.Replace(variable.Key, variable.Value, StringComparison.Ordinal)))
            .ToArray();
        Assert.DoesNotContain(words, w => w.Contains('$', StringComparison.Ordinal));

        var result = HelmTool.Run(Repo.Root, ["template", .. words]);
        Assert.True(result.Succeeded, $"{document}: {command}{Environment.NewLine}{result}");
        Assert.Contains("kind: Deployment", result.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"helm upgrade --install daprorders charts/daprorders[^\n`]*")]
    private static partial Regex ChartInstall();
}
