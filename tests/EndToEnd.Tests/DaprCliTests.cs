using System.Text.Json;
using System.Text.Json.Nodes;
using DaprOrders.Contracts;
using DaprOrders.Tests;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>
/// The system driven with the dapr CLI's everyday commands, as a user types them: the real `localdapr` executable
/// in another process, which finds the running system through its state file (<see cref="OrderSystem.Home"/>).
/// In the shared system these tests own <see cref="Product.Stockings"/>: no other test there orders it.
/// </summary>
[Collection(SharedOrderSystem.Name)]
public sealed class DaprCliTests(OrderSystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OrderSystem System => fixture.System;

    [Fact]
    public async Task Stock_published_with_localdapr_publish_decides_the_orders_placed_with_localdapr_invoke()
    {
        var published = await LocalDaprAsync(
            "publish", "--publish-app-id", AppIds.Loader, "--pubsub", DaprComponents.PubSub, "--topic", Topics.WarehouseInventory,
            "--data", Json(new StockLevel(Product.Stockings, 1)), "--metadata", Json(PublishMetadata.KeyedBy(WireNames.Of(Product.Stockings))));
        Assert.True(published.ExitCode == 0, published.ToString());
        Assert.Equal(["✅  Event published successfully"], published.Output);
        await System.Kafka.WaitUntilConsumedAsync(AppIds.Inventory, Topics.WarehouseInventory, Ct);

        var first = new Order(TestIds.New("order"), TestIds.New("customer"), OrderState.Created, Product.Stockings, 1, 10m);
        var second = first with { Id = TestIds.New("order") };
        var placed = await LocalDaprAsync("invoke", "--app-id", AppIds.Orders, "--method", "v1/orders", "--verb", "POST", "--data", Json(first));
        Assert.True(placed.ExitCode == 0, placed.ToString());
        Assert.Equal([Json(first), "✅  App invoked successfully"], placed.Output);
        Assert.Equal(first with { State = OrderState.Validated }, await System.Orders.GetDecidedOrderAsync(first.Id, Ct));

        // The one item published went to the first order: the next one finds none left.
        var next = await LocalDaprAsync("invoke", "-a", AppIds.Orders, "-m", "v1/orders", "-d", Json(second));
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Equal(OrderState.Failed, (await System.Orders.GetDecidedOrderAsync(second.Id, Ct)).State);
    }

    [Fact]
    public async Task Localdapr_list_shows_every_app_instance_of_the_running_system()
    {
        var listed = await LocalDaprAsync("list", "-o", "json");

        Assert.True(listed.ExitCode == 0, listed.ToString());
        var rows = JsonNode.Parse(string.Join('\n', listed.Output))!.AsArray();
        Assert.Equal(
            System.Runtime.Instances.Select(i => (i.AppId, i.HttpPort, i.GrpcPort, i.AppPort ?? 0, System.Runtime.ProcessIdOf(i) ?? 0)),
            rows.Select(r => ((string)r!["appId"]!, (int)r["httpPort"]!, (int)r["grpcPort"]!, (int)r["appPort"]!, (int)r["appPid"]!)));
    }

    // The system's sidecars require a Dapr API token, as the chart's do: the CLI sends DAPR_API_TOKEN, as the dapr CLI does.
    private Task<CliResult> LocalDaprAsync(params string[] arguments) =>
        LocalDaprProcess.RunAsync(System.Home.Folder, arguments, new Dictionary<string, string> { ["DAPR_API_TOKEN"] = System.DaprApiToken });

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, ContractsJson.Options);
}
