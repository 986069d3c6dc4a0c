using System.CommandLine;
using DaprOrders.Contracts;
using DaprOrders.Loaders.Cli;
using DaprOrders.Loaders.Http;
using static System.FormattableString;

namespace DaprOrders.Loaders.Customers;

/// <summary>
/// `customers add` and `customers generate`: customer records on the customers topic, keyed by id (the latest
/// record per id wins), as the original example's customer loaders.
/// </summary>
internal static class CustomersCommands
{
    public static Command Create(LoaderContext context) =>
        new("customers", $"Customer records on '{Topics.Customers}'.") { Add(context), Generate(context) };

    private static Command Add(LoaderContext context)
    {
        var id = Text("--id", "Customer id, e.g. c-1 (the key: a later record with this id replaces the earlier one).", required: true);
        var first = Text("--first", "First name.", required: true);
        var last = Text("--last", "Last name.", required: true);
        var email = Text("--email", "Where the confirmation emails go.", required: true);
        email.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && !value.Contains('@', StringComparison.Ordinal))
            {
                result.AddError($"--email must be an email address, not '{value}'.");
            }
        });
        var address = new Option<string>("--address") { Description = "Postal address.", DefaultValueFactory = _ => "" };
        var level = new Option<string>("--level") { Description = $"Customer level: {string.Join(", ", CustomerLevels.All)}.", Required = true };
        level.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, [.. CustomerLevels.All]);
        var daprUrl = CliOptions.DaprUrl(context);

        var command = new Command("add", $"Publish one customer to '{Topics.Customers}', keyed by its id.")
        {
            id, first, last, email, address, level, daprUrl,
        };
        command.SetLoaderAction(async (parse, terminal, cancellationToken) =>
        {
            var customer = new Customer(
                parse.GetValue(id)!, parse.GetValue(first)!, parse.GetValue(last)!, parse.GetValue(email)!,
                parse.GetValue(address)!, parse.GetValue(level)!.ToLowerInvariant());
            using var http = context.CreateHttpClient();
            var publisher = new DaprPublisher(http, parse.GetValue(daprUrl)!, context.DaprApiToken);

            var published = await publisher.PublishAsync(Topics.Customers, customer.Id, customer, cancellationToken);
            if (!published.Succeeded)
            {
                throw new LoaderException($"Publishing to '{Topics.Customers}' failed: {published.Failure}");
            }

            await terminal.Out.WriteLineAsync($"customers: {customer.Id} ({customer.FirstName} {customer.LastName}, {customer.Level}) published to '{Topics.Customers}'");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Generate(LoaderContext context)
    {
        var count = CliOptions.Positive("--count", "How many customers (the default gives the ids `orders post` uses by default).", CustomerGenerator.DefaultCount);
        var prefix = Text("--id-prefix", "Ids are <prefix>1 .. <prefix>N.", required: false);
        prefix.DefaultValueFactory = _ => CustomerGenerator.DefaultIdPrefix;
        var progressInterval = CliOptions.ProgressInterval();
        var daprUrl = CliOptions.DaprUrl(context);

        var command = new Command("generate", $"Publish made-up customers <prefix>1 .. <prefix>N to '{Topics.Customers}'; levels take turns.")
        {
            count, prefix, progressInterval, daprUrl,
        };
        command.SetLoaderAction(async (parse, terminal, cancellationToken) =>
        {
            var total = parse.GetValue(count);
            var idPrefix = parse.GetValue(prefix)!;
            using var http = context.CreateHttpClient();
            var publisher = new DaprPublisher(http, parse.GetValue(daprUrl)!, context.DaprApiToken);
            var progress = new ProgressReporter(context.Time, TimeSpan.FromSeconds(parse.GetValue(progressInterval)), terminal.Error);
            var failures = new FailureTally();
            var published = 0;

            for (var number = 1; number <= total; number++)
            {
                var customer = CustomerGenerator.Create(idPrefix, number);
                var result = await publisher.PublishAsync(Topics.Customers, customer.Id, customer, cancellationToken);
                if (result.Succeeded)
                {
                    published++;
                }
                else
                {
                    failures.Add("customer", result.Failure!);
                }

                var done = number;
                progress.Tick(elapsed => Invariant($"customers: {done}/{total} sent, {failures.Total} failed, {elapsed.TotalSeconds:0} s"));
            }

            var seconds = progress.Elapsed.TotalSeconds;
            await terminal.Out.WriteLineAsync(Invariant(
                $"customers: {published} of {total} published to '{Topics.Customers}' in {seconds:0.0} s ({RunText.Rate(published, seconds)}), {failures.Total} failed; ids {CustomerGenerator.IdOf(idPrefix, 1)} .. {CustomerGenerator.IdOf(idPrefix, total)}"));
            foreach (var line in failures.Lines())
            {
                await terminal.Out.WriteLineAsync(line);
            }

            return failures.Total == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static Option<string> Text(string name, string description, bool required)
    {
        var option = new Option<string>(name) { Description = description, Required = required };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && string.IsNullOrWhiteSpace(value))
            {
                result.AddError($"{name} must not be empty.");
            }
        });
        return option;
    }
}
