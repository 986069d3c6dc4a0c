using System.Reflection;
using DaprOrders.Contracts;
using DaprOrders.LocalDapr.Cli;
using DaprOrders.LocalDapr.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprOrders.Loaders.Tests;

/// <summary>
/// The loaders against the local runtime as `localdapr run -f dapr.yaml` sets it up: the repository's
/// components/local (pub/sub scopes included) and the loader's sidecar-only entry.
/// </summary>
public sealed class LocalRunTests : IAsyncLifetime
{
    private static readonly string RepositoryRoot = Path.GetFullPath(
        typeof(LocalRunTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!);

    private readonly LoadersHarness _loaders = new() { UseRealHttp = true };
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("loaders-local-run-");
    private LocalDaprRuntime _runtime = null!;

    public async ValueTask InitializeAsync() =>
        _runtime = await LocalDaprRuntime.StartAsync(
            new LocalDaprOptions
            {
                ResourcesPaths = [Path.Combine(RepositoryRoot, "components", "local")],
                MailFolder = Path.Combine(_folder.FullName, "mail"),
                LoggerFactory = NullLoggerFactory.Instance,
            },
            TestContext.Current.CancellationToken);

    [Fact]
    public void The_run_file_has_a_sidecar_alone_for_the_loader_on_the_default_dapr_url()
    {
        var loader = Assert.Single(RunFile.Load(Path.Combine(RepositoryRoot, "dapr.yaml")).Apps, a => a.AppId == AppIds.Loader);

        Assert.Empty(loader.Command);
        Assert.Null(loader.AppPort);
        Assert.Equal(3500, loader.HttpPort);
    }

    [Fact]
    public async Task Stock_published_by_the_loader_sidecar_is_on_the_topic_as_a_cloud_event_from_loader()
    {
        var sidecar = await _runtime.StartAppAsync(new AppSpec(AppIds.Loader, [], _folder.FullName), TestContext.Current.CancellationToken);

        var add = await _loaders.RunAsync("stock", "add", "--product", "UNDERPANTS", "--quantity", "7", "--dapr-url", $"http://127.0.0.1:{sidecar.HttpPort}");
        var tail = await _loaders.RunAsync("topic", "tail", "--topic", Topics.WarehouseInventory, "--from-beginning", "--count", "1", "--bootstrap-servers", BootstrapServers());

        Assert.Equal(0, add.ExitCode);
        Assert.Equal(0, tail.ExitCode);
        var line = Assert.Single(tail.OutLines);
        Assert.StartsWith($"{Topics.WarehouseInventory}/", line, StringComparison.Ordinal);
        Assert.EndsWith("""@0 key=UNDERPANTS source=loader {"product":"UNDERPANTS","quantity":7}""", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Payments_of_posted_orders_reach_the_payments_topic_keyed_by_order_id()
    {
        var sidecar = await _runtime.StartAppAsync(new AppSpec(AppIds.Loader, [], _folder.FullName), TestContext.Current.CancellationToken);
        await using var ordersApi = await StartOrdersApiAsync();
        var api = ordersApi.Urls.Single(); // the port Kestrel picked

        var post = await _loaders.RunAsync(
            "orders", "post", "--count", "3", "--rate", "50", "--id-prefix", "lr-", "--progress-interval", "0",
            "--api-url", api, "--dapr-url", $"http://127.0.0.1:{sidecar.HttpPort}");
        var tail = await _loaders.RunAsync("topic", "tail", "--topic", Topics.Payments, "--from-beginning", "--count", "3", "--bootstrap-servers", BootstrapServers());

        Assert.Equal(0, post.ExitCode);
        Assert.Contains("payments: 3 published, 0 failed, 0 cancelled", post.OutLines);
        Assert.Equal(0, tail.ExitCode);
        foreach (var id in new[] { "lr-1", "lr-2", "lr-3" })
        {
            Assert.Single(tail.OutLines, l => l.EndsWith(
                $$"""key={{id}} source=loader {"id":"p-{{id}}","orderId":"{{id}}","ccy":"EUR","amount":10}""", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_sidecar_of_another_app_may_not_publish_stock_and_the_loader_says_so()
    {
        var sidecar = await _runtime.StartAppAsync(new AppSpec(AppIds.Orders, [], _folder.FullName), TestContext.Current.CancellationToken);

        var add = await _loaders.RunAsync("stock", "add", "--product", "JUMPERS", "--quantity", "1", "--dapr-url", $"http://127.0.0.1:{sidecar.HttpPort}");

        Assert.Equal(1, add.ExitCode);
        Assert.StartsWith($"loaders: Publishing to '{Topics.WarehouseInventory}' failed: 403 Forbidden: ERR_PUBSUB_FORBIDDEN", Assert.Single(add.ErrorLines), StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _runtime.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    /// <summary>
    /// Stands in for the orders service: accepts every order.
    /// </summary>
    private static async Task<WebApplication> StartOrdersApiAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/orders", () => Results.StatusCode(StatusCodes.Status201Created));
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    /// <summary>
    /// `localdapr run` prints "pubsub 'pubsub' (pubsub.kafka): Kafka bootstrap servers 127.0.0.1:PORT,...".
    /// </summary>
    private string BootstrapServers()
    {
        const string marker = "Kafka bootstrap servers ";
        var line = _runtime.DescribeEndpoints().First(l => l.StartsWith($"pubsub '{DaprComponents.PubSub}'", StringComparison.Ordinal));
        return line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
    }
}
