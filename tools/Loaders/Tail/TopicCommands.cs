using System.CommandLine;
using DaprOrders.Contracts;
using DaprOrders.Loaders.Cli;

namespace DaprOrders.Loaders.Tail;

/// <summary>
/// `topic tail`: watch what flows through a topic, straight from Kafka.
/// </summary>
internal static class TopicCommands
{
    public static Command Create() => new("topic", "Kafka topics.") { Tail() };

    private static Command Tail()
    {
        var topic = new Option<string>("--topic")
        {
            Description = $"Topic to read, e.g. {Topics.Orders}, {Topics.Payments}, {Topics.Customers}, {Topics.WarehouseInventory}, {Topics.OrderValidations}, {Topics.EnrichedOrders("gold")}.",
            Required = true,
        };
        topic.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } name && string.IsNullOrWhiteSpace(name))
            {
                result.AddError("--topic must not be empty.");
            }
        });
        var bootstrap = new Option<string>("--bootstrap-servers")
        {
            Description = "Kafka bootstrap servers (local run: the list `localdapr run` prints for pubsub; cluster: a port-forward to the brokers).",
            DefaultValueFactory = _ => "localhost:9092",
        };
        var fromBeginning = new Option<bool>("--from-beginning") { Description = "Start at the first record of each partition instead of the next new one." };
        var count = new Option<int?>("--count") { Description = "Stop after this many records (default: run until Ctrl-C)." };
        count.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } value and <= 0)
            {
                result.AddError($"--count must be a positive number, not {value}.");
            }
        });
        var envelope = new Option<bool>("--envelope") { Description = "Print the whole CloudEvent, not only its data." };
        var connectTimeout = CliOptions.Positive("--connect-timeout", "Seconds to wait for the cluster's metadata before giving up.", 10);

        var command = new Command("tail", "Print the records of a topic as they arrive: partition, offset, key, the publisher (CloudEvent source) and the data.")
        {
            topic, bootstrap, fromBeginning, count, envelope, connectTimeout,
        };
        command.SetLoaderAction((parse, terminal, cancellationToken) =>
            new TopicTail(parse.GetValue(bootstrap)!, TimeSpan.FromSeconds(parse.GetValue(connectTimeout)))
                .RunAsync(parse.GetValue(topic)!, parse.GetValue(fromBeginning), parse.GetValue(count), parse.GetValue(envelope), terminal.Out, cancellationToken));
        return command;
    }
}
