using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using DaprOrders.Contracts;
using DaprOrders.EndToEnd.Tests;
using DaprOrders.LocalDapr.Runtime;
using DaprOrders.LocalDapr.Sidecars;
using MimeKit;

namespace DaprOrders.Chaos.Tests;

/// <summary>
/// The whole system under a steady load of orders with payments while, in turn, every app instance is killed with
/// SIGKILL and comes back by itself, every app is restarted gracefully one after another (a rolling update), and
/// poison messages arrive on every subscribed topic; then events are replayed. The guarantees are checked and printed
/// as a table: exactly one verdict per accepted order, the same in the API, on the topic and in the grid; no oversold
/// stock, and exactly what was sold reserved (nothing held by a FAILED order or by a replay); one email per validated
/// paid order; only poison in the dead-letter topic.
/// </summary>
[Collection(WholeSystems.Name)]
public sealed class ChaosTests
{
    private const int Stock = 60;
    private const int Clients = 4;
    private const int OrdersBetweenFaults = 4;

    private static readonly string[] SubscribedTopics = [Topics.Orders, Topics.OrderValidations, Topics.Payments, Topics.Customers, Topics.WarehouseInventory];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_accepted_order_gets_one_verdict_and_nothing_is_oversold_lost_or_sent_twice_through_crashes_restarts_and_poison()
    {
        var grid = Path.Combine(Directory.CreateTempSubdirectory("chaos-grid-").FullName, "grid.db");
        await using var system = await OrderSystem.StartAsync(
            [AppIds.Orders, AppIds.Orders, AppIds.OrderDetails, AppIds.Fraud, AppIds.Inventory, AppIds.Email, AppIds.Grid],
            new Dictionary<string, string> { ["Grid__Database"] = grid }, Ct);
        var restarted = Channel.CreateUnbounded<AppInstance>();
        system.Runtime.AppRestarted += instance => restarted.Writer.TryWrite(instance);

        await system.SetStockAsync(Product.Jumpers, Stock, Ct);
        await system.SetStockAsync(Product.Underpants, 1_000_000, Ct);
        var customers = CustomerLevelsInTurn().Take(12).Select((level, i) =>
            new Customer($"chaos-customer-{i}-{Guid.NewGuid():N}", "Ada", $"Tester{i}", $"c{i}@example.com", "1 Test Row", level)).ToList();
        foreach (var customer in customers)
        {
            await system.PublishAsync(Topics.Customers, customer.Id, customer, Ct);
        }

        using var load = new ChaosLoad(system, customers);
        var running = load.RunAsync(Clients);
        var faults = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await load.WaitForMoreAcceptedAsync(OrdersBetweenFaults, Ct);

        // 1. SIGKILL from outside, one instance at a time (orders: one of its two); each comes back by itself.
        foreach (var app in system.Apps.DistinctBy(a => a.AppId))
        {
            var pid = system.Runtime.ProcessIdOf(app)!.Value;
            using (var kill = System.Diagnostics.Process.Start("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(Ct);
            }

            Assert.Equal(app, await restarted.Reader.ReadAsync(Ct).AsTask().WaitAsync(OrderSystem.Timeout, Ct));
            faults.Add($"SIGKILL {app.InstanceName} (pid {pid}), back as pid {system.Runtime.ProcessIdOf(app)} at {clock.Elapsed.TotalSeconds:0}s");
            await load.WaitForMoreAcceptedAsync(OrdersBetweenFaults, Ct);
        }

        // 2. A rolling update: every instance stopped gracefully and started again, one after another.
        foreach (var app in system.Apps)
        {
            await system.Runtime.StopAppAsync(app, AppStopMode.Graceful, Ct);
            await system.Runtime.RestartAppAsync(app, Ct);
            faults.Add($"graceful restart {app.InstanceName} at {clock.Elapsed.TotalSeconds:0}s");
            await load.WaitForMoreAcceptedAsync(OrdersBetweenFaults / 2, Ct);
        }

        // 3. Poison on every subscribed topic, then more orders behind it.
        var poison = await PoisonMessages.SendAsync(system.BootstrapServers, SubscribedTopics, Ct);
        faults.Add($"{poison.Count} poison messages on {string.Join(", ", SubscribedTopics)} at {clock.Elapsed.TotalSeconds:0}s");
        await load.WaitForMoreAcceptedAsync(OrdersBetweenFaults * 2, Ct);

        await load.WaitForMoreAcceptedAsync(OrdersBetweenFaults * 2, Ct);
        await load.StopAsync(running);
        faults.Add($"load stopped at {clock.Elapsed.TotalSeconds:0}s");

        var report = new InvariantReport();
        var accepted = load.Accepted.ToList();
        var decided = (await Task.WhenAll(accepted.Select(o => system.Orders.GetDecidedOrderAsync(o.Id, Ct)))).ToDictionary(o => o.Id);

        // One verdict per order: the API, the orders topic and the grid agree.
        var events = (await system.Kafka.ReadAsync(Topics.Orders, Ct))
            .Where(r => r.Data is System.Text.Json.Nodes.JsonObject data && data["id"]?.GetValueKind() == JsonValueKind.String && r.Key?.StartsWith("poison-", StringComparison.Ordinal) != true)
            .Select(r => r.Data.Deserialize<Order>(ContractsJson.Options)!)
            .ToLookup(o => o.Id);
        var notOneVerdict = accepted.Where(o =>
        {
            var states = events[o.Id].Select(e => e.State).Distinct().ToList();
            return !(states.Count == 2 && states.Contains(OrderState.Created) && states.Contains(decided[o.Id].State));
        }).Select(o => o.Id).ToList();
        report.Add("every accepted order has CREATED and exactly one verdict, the API's, on the orders topic", accepted.Count, notOneVerdict);

        // Stock: never oversold, and reservations are exactly what was sold (a replay reserving twice, or a FAILED
        // order still holding, leaves less than that). The warehouse count is set to what was sold plus a few; the
        // level replaces the count and leaves reservations alone, so exactly those few can still be sold.
        var sold = accepted.Where(o => o.Product == Product.Jumpers && decided[o.Id].State == OrderState.Validated).Sum(o => o.Quantity);
        report.Add($"no oversold stock: {sold} of {Stock} jumpers sold", 1, sold <= Stock ? [] : [$"{sold} > {Stock}"]);
        const int spare = 5;
        await system.Kafka.WaitUntilConsumedAsync(AppIds.Inventory, Topics.Orders, Ct);
        await system.SetStockAsync(Product.Jumpers, sold + spare, Ct);

        // 4. Replays, with stock to spare so that a check that reserves twice can: the jumper orders' CREATED events
        // and their check results written to Kafka again, now that each order is decided: late copies, as a publish
        // activity run twice makes them. (Replaying the verdicts too would end every order at its verdict again,
        // hiding a consumer that lets a CREATED undo it.) The other consumers see them too, and are checked below.
        var jumperOrders = accepted.Where(o => o.Product == Product.Jumpers).Select(o => o.Id).ToHashSet();
        bool IsJumperOrder(TopicRecord record) => record.Key is { } key && jumperOrders.Contains(key);
        var replayed = await Replays.SendAsync(system.BootstrapServers, Topics.Orders,
            (await system.Kafka.ReadAsync(Topics.Orders, Ct)).Where(r => IsJumperOrder(r) && r.Data?["state"]?.GetValue<string>() == WireNames.Of(OrderState.Created)).ToList(), Ct);
        replayed += await Replays.SendAsync(system.BootstrapServers, Topics.OrderValidations,
            (await system.Kafka.ReadAsync(Topics.OrderValidations, Ct)).Where(IsJumperOrder).ToList(), Ct);

        faults.Add($"{replayed} CREATED events and check results of {jumperOrders.Count} decided jumper orders replayed on {Topics.Orders} and {Topics.OrderValidations} at {clock.Elapsed.TotalSeconds:0}s");
        await system.Kafka.WaitUntilConsumedAsync(AppIds.Inventory, Topics.Orders, Ct);
        var checker = customers[0].Id;
        var holding = new List<string>();
        var rest = new Order($"chaos-rest-{Guid.NewGuid():N}", checker, OrderState.Created, Product.Jumpers, spare, 1m);
        await system.Orders.CreateOrderAsync(rest, Ct);
        if ((await system.Orders.GetDecidedOrderAsync(rest.Id, Ct)).State != OrderState.Validated)
        {
            holding.Add($"with {sold + spare} in stock and {sold} sold, an order for {spare} was FAILED: more is reserved than was sold");
        }

        var oneMore = new Order($"chaos-more-{Guid.NewGuid():N}", checker, OrderState.Created, Product.Jumpers, 1, 1m);
        await system.Orders.CreateOrderAsync(oneMore, Ct);
        if ((await system.Orders.GetDecidedOrderAsync(oneMore.Id, Ct)).State != OrderState.Failed)
        {
            holding.Add("one jumper more than the stock was VALIDATED");
        }

        report.Add("reserved = sold: FAILED orders and replays hold nothing (what is left can be sold, not more)", 2, holding);

        // After the replays: a repeated CREATED must not move an order back.
        await system.Kafka.WaitUntilConsumedAsync(AppIds.Grid, Topics.Orders, Ct);
        var gridStates = await ReadGridAsync(system);
        report.Add("the grid shows each order with its verdict", accepted.Count,
            accepted.Where(o => gridStates.GetValueOrDefault(o.Id) != decided[o.Id].State).Select(o => o.Id).ToList());

        await system.Kafka.WaitUntilConsumedAsync(AppIds.Orders, Topics.Orders, Ct);
        var views = await Task.WhenAll(jumperOrders.Select(async id =>
            (Id: id, View: await system.Orders.GetFromJsonAsync<Order>(new Uri($"v1/orders/{id}?timeout=0", UriKind.Relative), ContractsJson.Options, Ct))));
        report.Add("the orders view keeps each replayed order's verdict", jumperOrders.Count,
            views.Where(v => v.View?.State != decided[v.Id].State).Select(v => v.Id).ToList());

        // Email: exactly one mail per validated paid order; its enriched record on its level's topic (at least once,
        // keyed by order id: a consumer deduplicates by key).
        foreach (var topic in new[] { Topics.Customers, Topics.Orders, Topics.Payments })
        {
            await system.Kafka.WaitUntilConsumedAsync(AppIds.Email, topic, Ct);
        }

        var validated = accepted.Where(o => decided[o.Id].State == OrderState.Validated).ToList();
        var mails = await ReadMailSubjectsAsync(system.MailFolder);
        // Email is at most once by design (services/Email/README.md): a crash between claiming a confirmation and
        // recording it sent loses that one email rather than risking a second, and the redelivery logs the claim.
        var mailsOf = validated.ToDictionary(o => o.Id, o => mails.Count(subject => subject.Contains(o.Id, StringComparison.Ordinal)));
        string log;
        await using (var logFile = new FileStream(system.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(logFile))
        {
            log = await reader.ReadToEndAsync(Ct); // the run's log, still being written
        }

        var lostToACrash = validated.Where(o => mailsOf[o.Id] == 0 && log.Contains($"Order {o.Id}: confirmation claimed at", StringComparison.Ordinal)).ToList();
        report.Add("each validated paid order: never two emails", validated.Count, validated.Where(o => mailsOf[o.Id] > 1).Select(o => o.Id).ToList());
        report.Add("each validated paid order: one email, unless a crash left its claim (logged)", validated.Count,
            validated.Where(o => mailsOf[o.Id] == 0 && !lostToACrash.Contains(o)).Select(o => o.Id).ToList());
        report.Note($"emails given up by design after a crash between claim and send: {lostToACrash.Count}");
        var levelOf = customers.ToDictionary(c => c.Id, c => c.Level);
        var enriched = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var level in CustomerLevelsInTurn().Take(4))
        {
            foreach (var record in await system.Kafka.ReadAsync(Topics.EnrichedOrders(level), Ct))
            {
                enriched[$"{level}/{record.Key}"] = enriched.GetValueOrDefault($"{level}/{record.Key}") + 1;
            }
        }

        report.Add("each validated paid order: an enriched record on its level topic", validated.Count,
            validated.Where(o => !enriched.ContainsKey($"{levelOf[o.CustomerId]}/{o.Id}")).Select(o => o.Id).ToList());
        report.Note($"enriched records repeated (at least once by design, keyed by order id): {enriched.Values.Count(c => c > 1)}");

        // Dead letters: the poison and nothing else; every poison message dead-lettered by at least one subscriber.
        foreach (var (appId, topic) in Subscribers())
        {
            await system.Kafka.WaitUntilConsumedAsync(appId, topic, Ct);
        }

        var dead = (await system.Kafka.ReadAsync(Topics.DeadLetter, Ct)).Select(r => r.CloudEvent?["id"]?.ToString() ?? "(no id)").ToList();
        report.Add("only poison in the dead-letter topic", dead.Count, dead.Where(id => !poison.Contains(id)).ToList());
        report.Add("every poison message dropped to the dead-letter topic", poison.Count, poison.Where(id => !dead.Contains(id)).ToList());

        report.Note($"load: {accepted.Count} orders accepted from {Clients} clients, {validated.Count} VALIDATED, " +
            $"{accepted.Count - validated.Count} FAILED; POSTs retried: {string.Join(", ", load.Retried.Select(r => $"{r.Key} ×{r.Value}"))}");
        foreach (var fault in faults)
        {
            report.Note("fault: " + fault);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        // Kept beside the run's log for a post-mortem (the table is also in the failure message).
        await File.WriteAllTextAsync(Path.ChangeExtension(system.LogFile, ".report.md"), report.ToString(), Ct);
        Assert.True(report.AllHeld, report + Environment.NewLine + system.RecentOutput);
    }

    private static IEnumerable<string> CustomerLevelsInTurn()
    {
        while (true)
        {
            yield return CustomerLevels.Platinum;
            yield return CustomerLevels.Gold;
            yield return CustomerLevels.Silver;
            yield return CustomerLevels.Bronze;
        }
    }

    // Who subscribes to what (services' *Subscriptions.cs): the consumer groups whose progress ends the run.
    private static IEnumerable<(string AppId, string Topic)> Subscribers() =>
    [
        (AppIds.Orders, Topics.Orders), (AppIds.Orders, Topics.OrderValidations),
        (AppIds.OrderDetails, Topics.Orders), (AppIds.Fraud, Topics.Orders),
        (AppIds.Inventory, Topics.Orders), (AppIds.Inventory, Topics.WarehouseInventory),
        (AppIds.Email, Topics.Orders), (AppIds.Email, Topics.Payments), (AppIds.Email, Topics.Customers),
        (AppIds.Grid, Topics.Orders), (AppIds.Grid, Topics.Payments), (AppIds.Grid, Topics.Customers),
    ];

    private static async Task<Dictionary<string, OrderState>> ReadGridAsync(OrderSystem system)
    {
        using var http = OrderSystem.HttpFor(system.Apps.First(a => a.AppId == AppIds.Grid));
        var states = new Dictionary<string, OrderState>(StringComparer.Ordinal);
        for (var offset = 0L; ; offset += 500)
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"api/orders?offset={offset}&limit=500", Ct);
            var rows = page.GetProperty("rows").EnumerateArray().ToList();
            foreach (var row in rows)
            {
                states[row.GetProperty("orderId").GetString()!] = row.GetProperty("state").Deserialize<OrderState>(ContractsJson.Options);
            }

            if (rows.Count < 500)
            {
                return states;
            }
        }
    }

    private static async Task<List<string>> ReadMailSubjectsAsync(string folder)
    {
        var subjects = new List<string>();
        foreach (var path in Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.eml") : [])
        {
            subjects.Add((await MimeMessage.LoadAsync(path, Ct)).Subject ?? "");
        }

        return subjects;
    }

    /// <summary>
    /// The checks and what they found, printed as a table.
    /// </summary>
    private sealed class InvariantReport
    {
        private readonly List<(string Check, int Checked, List<string> Broken)> _rows = [];
        private readonly List<string> _notes = [];

        public bool AllHeld => _rows.All(r => r.Broken.Count == 0);

        public void Add(string check, int count, List<string> broken) => _rows.Add((check, count, broken));

        public void Note(string note) => _notes.Add(note);

        public override string ToString()
        {
            var text = new StringBuilder().AppendLine("| invariant | checked | broken |").AppendLine("| --- | --- | --- |");
            foreach (var (check, count, broken) in _rows)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {check} | {count} | {(broken.Count == 0 ? "0" : $"{broken.Count}: {string.Join(", ", broken.Take(5))}")} |");
            }

            foreach (var note in _notes)
            {
                text.AppendLine(note);
            }

            return text.ToString();
        }
    }
}
