using System.CommandLine;
using DaprOrders.Contracts;
using DaprOrders.Loaders.Cli;
using DaprOrders.Loaders.Http;

namespace DaprOrders.Loaders.Stock;

/// <summary>
/// `stock add`: the original example's AddInventory. The inventory service keeps the latest level per product.
/// </summary>
internal static class StockCommands
{
    public static Command Create(LoaderContext context)
    {
        var product = CliOptions.Product(required: true);
        var quantity = CliOptions.NotNegative("--quantity", "Units in the warehouse; replaces the product's level (the latest value wins).", defaultValue: null);
        var daprUrl = CliOptions.DaprUrl(context);

        var add = new Command("add", $"Set a product's stock level: publishes a StockLevel to '{Topics.WarehouseInventory}', keyed by product.")
        {
            product, quantity, daprUrl,
        };
        add.Aliases.Add("set");
        add.SetLoaderAction(async (parse, terminal, cancellationToken) =>
        {
            var level = new StockLevel(parse.GetValue(product)!.Value, parse.GetValue(quantity));
            var key = WireNames.Of(level.Product);
            using var http = context.CreateHttpClient();
            var publisher = new DaprPublisher(http, parse.GetValue(daprUrl)!, context.DaprApiToken);

            var published = await publisher.PublishAsync(Topics.WarehouseInventory, key, level, cancellationToken);
            if (!published.Succeeded)
            {
                throw new LoaderException($"Publishing to '{Topics.WarehouseInventory}' failed: {published.Failure}");
            }

            await terminal.Out.WriteLineAsync($"stock: {key} = {level.Quantity} published to '{Topics.WarehouseInventory}' (key {key})");
            return ExitCodes.Ok;
        });

        return new Command("stock", "Warehouse stock levels.") { add };
    }
}
