using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using DaprOrders.Contracts;
using DaprOrders.Loaders.Bench.Processes;
using DaprOrders.Loaders.Cli;
using DaprOrders.Loaders.Http;
using DaprOrders.Loaders.Orders;
using static System.FormattableString;

namespace DaprOrders.Loaders.Bench;

/// <summary>
/// `bench`: closed- and open-loop steps against the orders REST API, each order POSTed and followed to its verdict;
/// a table on stdout, optionally JSON and an SVG chart, and CPU and memory of the local run's processes.
/// </summary>
internal static class BenchCommands
{
    private static readonly int[] DefaultInFlight = [1, 8, 64];

    public static Command Create(LoaderContext context)
    {
        var inFlight = CliOptions.PositiveList("--in-flight", "Closed-loop steps: orders under way at once, e.g. 1,8,64 (a new order as soon as one is decided). Default 1,8,64 when neither --rate nor --idle is given.");
        var rates = CliOptions.Rates("Open-loop steps: orders per second, e.g. 50 or 25,50/s (sent on schedule, whatever earlier orders do).");
        var duration = CliOptions.Positive("--duration", "Seconds measured per step, after the warm-up.", 15);
        duration.HelpName = "seconds";
        var warmup = CliOptions.NotNegative("--warmup", "Seconds of load before each step's measurement (JIT, connections, caches), not counted.", defaultValue: 3);
        warmup.HelpName = "seconds";
        var customers = CliOptions.Positive("--customers", "Customers the orders take in turn (new ids every run): enough that no customer's session total reaches the fraud limit.", 1000);
        var product = CliOptions.Product(required: false);
        product.Description += " Default: the products in turn.";
        var setStock = new Option<int?>("--set-stock")
        {
            Description = "Before the first step, set the stock of the products ordered to this level (through the loader sidecar, --dapr-url). " +
                "Without it, stock must be there already (`loaders stock add`), or orders are FAILED for want of it.",
            HelpName = "units",
        };
        setStock.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 0 and var value)
            {
                result.AddError(Invariant($"--set-stock must not be negative, not {value}."));
            }
        });
        var idle = new Option<int?>("--idle")
        {
            Description = "After the steps (or alone), measure the processes' CPU over this many seconds with no load, after --idle-settle seconds with no load: what an idle system costs.",
            HelpName = "seconds",
        };
        idle.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is <= 0 and var value)
            {
                result.AddError(Invariant($"--idle must be a positive number of seconds, not {value}."));
            }
        });
        var idleSettle = CliOptions.NotNegative("--idle-settle", "Seconds with no load before --idle measures, so that what the steps left running is done.", defaultValue: 20);
        idleSettle.HelpName = "seconds";
        var payments = new Option<bool>("--payments") { Description = $"Publish each accepted order's payment to '{Topics.Payments}' beside its long poll, through the loader sidecar." };
        var json = new Option<FileInfo?>("--json") { Description = "Write the results as JSON to this file.", HelpName = "path" };
        var svg = new Option<FileInfo?>("--svg") { Description = "Draw latency against throughput, p50 and p99 per step, as SVG to this file.", HelpName = "path" };
        var pids = new Option<int[]>("--pid")
        {
            Description = "Measure CPU and memory of these processes (and what they started) instead of the local run's. Linux only: on a cluster the pods' processes are not visible here; use --no-processes.",
            AllowMultipleArgumentsPerToken = true,
        };
        var noProcesses = new Option<bool>("--no-processes") { Description = "Measure no processes (a run not on this machine, or not on localdapr)." };
        var idPrefix = new Option<string>("--id-prefix")
        {
            Description = "Order ids are <prefix><n>, customer ids <prefix>c<n> (default b-<6 random hex digits>-, new for every run).",
            DefaultValueFactory = _ => $"b-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}-",
        };
        var progressInterval = CliOptions.ProgressInterval();
        var apiUrl = CliOptions.ApiUrl();
        var daprUrl = CliOptions.DaprUrl(context);

        var command = new Command(
            "bench",
            "Benchmark the order path: per step, POST orders and long-poll each one's verdict (GET /v1/orders/{id}/validated); " +
            "POST and POST→verdict latency (p50/p95/p99/max), decided orders/s, failures by reason, and CPU and memory per process " +
            "of the running `localdapr run` (found through $LOCALDAPR_HOME or ~/.localdapr). Exit code 1 if any order failed.")
        {
            inFlight, rates, duration, warmup, customers, product, setStock, payments, idle, idleSettle, json, svg, pids, noProcesses, idPrefix, progressInterval, apiUrl, daprUrl,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(noProcesses) && result.GetValue(pids) is { Length: > 0 })
            {
                result.AddError("--pid and --no-processes exclude each other.");
            }

            if (result.GetValue(noProcesses) && result.GetValue(idle) is not null)
            {
                result.AddError("--idle measures processes: not with --no-processes.");
            }

            if (result.GetResult(idleSettle) is { Implicit: false } && result.GetValue(idle) is null)
            {
                result.AddError("--idle-settle goes with --idle.");
            }
        });
        pids.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int[]>() is { } values && values.FirstOrDefault(p => p <= 0) is var bad and not 0)
            {
                result.AddError(Invariant($"--pid must be a process id, not {bad}."));
            }
        });

        command.SetLoaderAction(async (parse, terminal, cancellationToken) =>
        {
            var prefix = parse.GetValue(idPrefix)!;
            var plan = new OrderPlan(
                prefix,
                [.. Enumerable.Range(1, parse.GetValue(customers)).Select(n => Invariant($"{prefix}c{n}"))],
                parse.GetValue(product),
                Quantity: 1,
                Price: 10m,
                Currency: "EUR");
            List<LoadShape> shapes = [
                .. parse.GetValue(inFlight)!.Select(n => new ClosedLoop(n)),
                .. parse.GetValue(rates)!.Select(r => new OpenLoop(r))];
            var idleSeconds = parse.GetValue(idle);
            if (shapes.Count == 0 && idleSeconds is null)
            {
                shapes.AddRange(DefaultInFlight.Select(n => new ClosedLoop(n)));
            }

            // Before the steps, so a path that cannot be written fails now, not after minutes of load.
            foreach (var file in new[] { parse.GetValue(json), parse.GetValue(svg) }.OfType<FileInfo>())
            {
                PrepareOutput(file);
            }

            var timing = new BenchTiming(TimeSpan.FromSeconds(parse.GetValue(warmup)), TimeSpan.FromSeconds(parse.GetValue(duration)));
            var (meter, processesNote) = Processes(context, parse.GetValue(noProcesses), parse.GetValue(pids) ?? []);
            if (idleSeconds is not null && meter is null)
            {
                throw new LoaderException($"--idle has no processes to measure ({processesNote}).");
            }

            using var http = context.CreateHttpClient(BenchRunner.LongPoll);
            var api = new OrdersApiClient(http, parse.GetValue(apiUrl)!, context.OrdersApiToken);
            var sidecar = new DaprPublisher(http, parse.GetValue(daprUrl)!, context.DaprApiToken);

            if (parse.GetValue(setStock) is { } stock)
            {
                await SetStockAsync(sidecar, plan, stock, terminal, cancellationToken);
            }

            var runner = new BenchRunner(
                api, parse.GetValue(payments) ? sidecar : null, plan, meter, context.Time, terminal.Error,
                TimeSpan.FromSeconds(parse.GetValue(progressInterval)));
            var startedAt = context.Time.GetUtcNow();
            var steps = new List<StepResult>();
            foreach (var shape in shapes)
            {
                await terminal.Error.WriteLineAsync(Invariant($"bench: {shape.Label} for {timing.Warmup.TotalSeconds:0} + {timing.Duration.TotalSeconds:0} s ..."));
                var step = await runner.RunAsync(shape, timing, cancellationToken);
                await terminal.Error.WriteLineAsync(Invariant($"bench: {shape.Label}: {step.Decided} decided ({step.DecidedPerSecond:0.0}/s), {step.Failures} failed"));
                steps.Add(step);
            }

            IdleResult? idleResult = null;
            if (idleSeconds is { } measured)
            {
                var settle = parse.GetValue(idleSettle);
                await terminal.Error.WriteLineAsync(Invariant($"bench: idle for {settle} + {measured} s ..."));
                idleResult = await runner.MeasureIdleAsync(meter!, TimeSpan.FromSeconds(settle), TimeSpan.FromSeconds(measured), cancellationToken);
                await terminal.Error.WriteLineAsync(Invariant($"bench: idle: {idleResult.PercentOfOneCore:0.00} % of a core"));
            }

            var report = new BenchReport(
                startedAt,
                parse.GetValue(apiUrl)!.AbsoluteUri,
                new BenchMachine(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, LoadersBuild),
                new BenchSettings(timing.Warmup.TotalSeconds, timing.Duration.TotalSeconds, plan.Customers.Count, plan.Product is { } p ? WireNames.Of(p) : null, parse.GetValue(payments), prefix),
                processesNote,
                steps,
                idleResult);
            foreach (var line in BenchTable.Lines(report))
            {
                await terminal.Out.WriteLineAsync(line);
            }

            if (parse.GetValue(json) is { } jsonFile)
            {
                await BenchJson.WriteAsync(report, jsonFile.FullName, cancellationToken);
                await terminal.Out.WriteLineAsync($"json: {jsonFile.FullName}");
            }

            if (parse.GetValue(svg) is { } svgFile)
            {
                await File.WriteAllTextAsync(svgFile.FullName, LatencyChart.Render(report), cancellationToken);
                await terminal.Out.WriteLineAsync($"svg: {svgFile.FullName}");
            }

            return steps.Any(s => s.Failures > 0) ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

#if DEBUG
    private const string LoadersBuild = "Debug";
#else
    private const string LoadersBuild = "Release";
#endif

    /// <summary>
    /// What to measure, and a sentence for the report saying what was (or why nothing was).
    /// </summary>
    private static (ProcessMeter? Meter, string Note) Processes(LoaderContext context, bool none, int[] pids)
    {
        if (none)
        {
            return (null, "not measured (--no-processes)");
        }

        if (!ProcFs.Available)
        {
            return (null, "not measured: this machine has no Linux /proc to read");
        }

        if (pids.Length > 0)
        {
            var given = pids.Select(pid => new WatchedProcess(Invariant($"pid {pid}"), pid, WithDescendants: true)).ToList();
            return (new ProcessMeter(ProcFs.Local(), given), $"--pid {string.Join(',', pids.Select(p => p.ToString(CultureInfo.InvariantCulture)))}, each with the processes it started");
        }

        var folder = LocalRunProcesses.RunsFolder(context.Environment);
        if (LocalRunProcesses.Find(folder, LocalRunProcesses.IsAlive) is not { } run)
        {
            return (null, $"not measured: no running localdapr run in {folder} (set LOCALDAPR_HOME, give --pid, or --no-processes)");
        }

        return (new ProcessMeter(ProcFs.Local(), run.Processes), $"the localdapr run of {run.File}: the runtime's own process, and each app with the processes it started");
    }

    private static void PrepareOutput(FileInfo file)
    {
        try
        {
            file.Directory!.Create();
            using (file.Open(FileMode.Create, FileAccess.Write))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LoaderException($"Cannot write {file.FullName}: {e.Message}", e);
        }
    }

    private static async Task SetStockAsync(DaprPublisher sidecar, OrderPlan plan, int quantity, Terminal terminal, CancellationToken cancellationToken)
    {
        foreach (var product in plan.Product is { } one ? [one] : Enum.GetValues<Product>())
        {
            var level = new StockLevel(product, quantity);
            var published = await sidecar.PublishAsync(Topics.WarehouseInventory, WireNames.Of(product), level, cancellationToken);
            if (!published.Succeeded)
            {
                throw new LoaderException($"Publishing to '{Topics.WarehouseInventory}' failed: {published.Failure}");
            }
        }

        // Inventory takes the level asynchronously; the warm-up's orders give it the time, and are not counted.
        await terminal.Error.WriteLineAsync(Invariant($"bench: stock of {(plan.Product is { } p ? WireNames.Of(p) : "every product")} set to {quantity}"));
    }
}
