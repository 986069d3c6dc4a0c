using System.CommandLine;
using System.Security.Cryptography;
using DaprOrders.Contracts;
using DaprOrders.Loaders.Cli;
using DaprOrders.Loaders.Customers;
using DaprOrders.Loaders.Http;
using static System.FormattableString;

namespace DaprOrders.Loaders.Orders;

/// <summary>
/// `orders post`: the original example's PostOrdersAndPayments, at a chosen rate, with progress and a summary.
/// </summary>
internal static class OrdersCommands
{
    public static Command Create(LoaderContext context) => new("orders", "Orders through the REST API, and their payments.") { Post(context) };

    private static Command Post(LoaderContext context)
    {
        var count = CliOptions.Positive("--count", "How many orders.", 100);
        var rate = CliOptions.Rate(10);
        var customers = new Option<string[]>("--customer")
        {
            Description = "Customer id(s) the orders take in turn; repeat the option or list several (default: the ids `customers generate` makes by default).",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [.. CustomerGenerator.DefaultIds],
        };
        customers.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string[]>() is { } ids && ids.Any(string.IsNullOrWhiteSpace))
            {
                result.AddError("--customer ids must not be empty.");
            }
        });
        var product = CliOptions.Product(required: false);
        product.Description += " Default: the products in turn.";
        var quantity = CliOptions.Positive("--quantity", "Units per order.", 1);
        var price = new Option<decimal>("--price") { Description = "Total price of each order; its payment pays it.", DefaultValueFactory = _ => 10m };
        price.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<decimal>() is var value and < 0)
            {
                result.AddError(Invariant($"--price must not be negative, not {value}."));
            }
        });
        var currency = new Option<string>("--currency") { Description = "ISO 4217 code of the payments.", DefaultValueFactory = _ => "EUR" };
        currency.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } code && (code.Length != 3 || !code.All(char.IsAsciiLetterUpper)))
            {
                result.AddError($"--currency must be three capital letters such as EUR, not '{code}'.");
            }
        });
        var idPrefix = new Option<string>("--id-prefix")
        {
            Description = "Order ids are <prefix>1 .. <prefix>N (default o-<6 random hex digits>-, new for every run, since an id cannot be reused).",
            DefaultValueFactory = _ => $"o-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}-",
        };
        var maxInFlight = CliOptions.Positive("--max-in-flight", "Orders under way at once at most; when reached, sending waits.", 64);
        var noPayments = new Option<bool>("--no-payments") { Description = $"Post the orders only; publish no payments to '{Topics.Payments}'." };
        var progressInterval = CliOptions.ProgressInterval();
        var apiUrl = CliOptions.ApiUrl();
        var daprUrl = CliOptions.DaprUrl(context);

        var command = new Command(
            "post",
            $"POST orders to {{api}}/v1/orders at a fixed rate and publish each accepted order's payment to '{Topics.Payments}' (key: order id). " +
            "Prints progress on stderr and a summary (counts, rates, latency, failures) at the end; exit code 1 if anything failed.")
        {
            count, rate, customers, product, quantity, price, currency, idPrefix, maxInFlight, noPayments, progressInterval, apiUrl, daprUrl,
        };
        command.SetLoaderAction(async (parse, terminal, cancellationToken) =>
        {
            var plan = new OrderPlan(
                parse.GetValue(idPrefix)!, parse.GetValue(customers)!, parse.GetValue(product), parse.GetValue(quantity),
                parse.GetValue(price), parse.GetValue(currency)!);
            var options = new OrderLoadOptions(
                parse.GetValue(count), parse.GetValue(rate), parse.GetValue(maxInFlight), !parse.GetValue(noPayments),
                TimeSpan.FromSeconds(parse.GetValue(progressInterval)));
            using var http = context.CreateHttpClient();
            var load = new OrderLoad(
                new OrdersApiClient(http, parse.GetValue(apiUrl)!, context.OrdersApiToken),
                new DaprPublisher(http, parse.GetValue(daprUrl)!, context.DaprApiToken),
                context.Time,
                terminal.Error);

            // Ctrl-C ends the run early; it still returns what was done, so the summary is printed either way.
            var summary = await load.RunAsync(plan, options, cancellationToken);
            foreach (var line in summary.SummaryLines(plan))
            {
                await terminal.Out.WriteLineAsync(line);
            }

            return summary.ExitCode;
        });
        return command;
    }
}
