using DaprOrders.Deployment.Tests.Helm;
using DaprOrders.Deployment.Tests.Yaml;

namespace DaprOrders.Deployment.Tests;

/// <summary>
/// One value, otel.endpoint, sends the apps' telemetry and their sidecars' spans to the same collector: every app's
/// OTEL_EXPORTER_OTLP_ENDPOINT and the Dapr Configuration's spec.tracing.otel follow it (real helm renders the chart).
/// </summary>
public sealed class OtelEndpointTests
{
    private static readonly Repo Repo = Repo.Current;

    public static TheoryData<string, string, bool> Endpoints { get; } = new()
    {
        { "http://otel-collector.observability:4317", "otel-collector.observability:4317", false },
        { "https://collector.example.com:4443", "collector.example.com:4443", true },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public void The_apps_and_the_sidecars_export_to_the_one_collector(string endpoint, string hostPort, bool secure)
    {
        var chart = ChartRenderer.Render(Repo.Chart, ValuesFile($"otel:\n  endpoint: \"{endpoint}\"\n"));

        var tracing = Assert.Single(chart.OfKind("Configuration")).Body;
        Assert.Equal((hostPort, secure, "grpc"), (tracing.Text("spec.tracing.otel.endpointAddress"), tracing.At("spec.tracing.otel.isSecure"), tracing.Text("spec.tracing.otel.protocol")));
        Assert.Equal("1", tracing.Text("spec.tracing.samplingRate"));
        var deployments = chart.OfKind("Deployment").ToList();
        Assert.NotEmpty(deployments);
        Assert.All(deployments, d => Assert.Equal(
            (endpoint, d.Name),
            (EnvOf(d).GetValueOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT"), EnvOf(d).GetValueOrDefault("OTEL_SERVICE_NAME"))));
    }

    [Fact]
    public void Without_a_collector_no_app_exports_and_the_sidecars_record_no_traces()
    {
        var chart = ChartRenderer.Render(Repo.Chart, ValuesFile("otel:\n  endpoint: \"\"\n"));

        var tracing = Assert.Single(chart.OfKind("Configuration")).Body;
        Assert.Equal("0", tracing.Text("spec.tracing.samplingRate"));
        Assert.Null(tracing.At("spec.tracing.otel"));
        Assert.All(chart.OfKind("Deployment"), d => Assert.DoesNotContain("OTEL_EXPORTER_OTLP_ENDPOINT", EnvOf(d).Keys));
    }

    [Fact]
    public void An_endpoint_without_scheme_or_port_is_refused_by_the_values_schema()
    {
        var result = HelmTool.Run(Repo.Root, ["template", "daprorders", "charts/daprorders", "--values", ValuesFile("otel:\n  endpoint: \"otel-collector:4317\"\n")]);
        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("/otel/endpoint", result.Error, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> EnvOf(Manifest deployment) =>
        deployment.Body.List("spec.template.spec.containers").FirstOrDefault().List("env")
            .ToDictionary(e => e.Text("name") ?? "", e => e.Text("value"), StringComparer.Ordinal);

    private static string ValuesFile(string values)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("daprorders-otel-").FullName, "values.yaml");
        File.WriteAllText(file, values);
        return file;
    }
}
