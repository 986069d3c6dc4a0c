using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using DaprOrders.Contracts;
using DaprOrders.EndToEnd.Tests;

namespace DaprOrders.Chaos.Tests;

/// <summary>
/// The system asked for more than it can do: thousands of long polls held at once, and orders posted faster than
/// they can be validated. Nothing accepted may be lost, and whatever is refused is refused with a status and a
/// Retry-After a client can act on. One orders instance with its three checks; its in-flight limit is set low
/// (<c>Validation__MaxInFlight</c>) so that a short flood reaches it, and the per-caller rate limit high so that
/// the flood is one caller.
/// </summary>
[Collection(WholeSystems.Name)]
public sealed class OverloadTests(OverloadTests.Fixture fixture) : IClassFixture<OverloadTests.Fixture>
{
    private const int HeldPolls = 5_000;
    private const int PolledOrders = 50;
    private const int MaxInFlight = 40;
    private const int FloodOrders = 400;
    private const int FloodClients = 64;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OrderSystem System => fixture.System;

    [Fact]
    public async Task Five_thousand_long_polls_are_held_at_once_and_each_is_answered_with_its_decided_order()
    {
        var orders = Enumerable.Range(0, PolledOrders).Select(_ => NewOrder()).ToList();
        var instance = System.Apps.Single(a => a.AppId == AppIds.Orders);
        var pid = System.Runtime.ProcessIdOf(instance)!.Value;
        var (fdsBefore, rssBefore) = (OpenFiles(pid), ResidentBytes(pid));
        // One connection per poll, as 5,000 separate clients would have (HTTP/1.1 holds one request per connection).
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
        {
            BaseAddress = OrderSystem.HttpFor(instance).BaseAddress,
            Timeout = TimeSpan.FromMinutes(3),
        };

        var polls = Enumerable.Range(0, HeldPolls).Select(i => PollAsync(http, orders[i % PolledOrders].Id)).ToList();
        await WaitUntilAsync(() => OpenFiles(pid) >= fdsBefore + HeldPolls, "the orders app holds a connection per poll");
        var rssHeld = ResidentBytes(pid);
        Assert.DoesNotContain(polls, poll => poll.IsCompleted);

        // More orders than may await validation at once: some are told to come back, as a client would be.
        await Parallel.ForEachAsync(orders, Ct, async (order, ct) => await System.Orders.PostUntilAcceptedAsync(order, AssertRefusal, ct));

        var answers = await Task.WhenAll(polls);
        var verdicts = answers.GroupBy(a => a.Order?.Id ?? "(none)").ToDictionary(g => g.Key, g => g.Select(a => a.Order!.State).Distinct().ToList());
        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.Status));
        Assert.Equal(orders.Select(o => o.Id).Order(), verdicts.Keys.Order());
        // Every poll of one order saw the same verdict, the one the order has.
        Assert.All(orders, order => Assert.Equal([OrderState.Validated], verdicts[order.Id]));

        var perPoll = (rssHeld - rssBefore) / HeldPolls;
        await ReportAsync($"{HeldPolls} polls held: orders RSS {rssBefore / 1_048_576} MiB -> {rssHeld / 1_048_576} MiB, {perPoll / 1024.0:0.0} KiB per held poll");
        // Bounded: a held poll costs a connection and a parked request, a few KiB (docs/reliability.md); 64 KiB
        // would mean something is kept per poll that should not be.
        Assert.True(perPoll < 64 * 1024, $"{perPoll} bytes of resident memory per held poll");
    }

    [Fact]
    public async Task Orders_posted_faster_than_they_are_validated_are_accepted_and_decided_or_refused_with_retry_after()
    {
        var orders = Enumerable.Range(0, FloodOrders).Select(_ => NewOrder()).ToList();
        var answers = new ConcurrentDictionary<string, (HttpStatusCode Status, TimeSpan? RetryAfter, string? Type)>();

        await Parallel.ForEachAsync(orders, new ParallelOptions { MaxDegreeOfParallelism = FloodClients, CancellationToken = Ct }, async (order, ct) =>
        {
            using var response = await System.Orders.PostOrderAsync(order, ct);
            answers[order.Id] = (response.StatusCode, response.Headers.RetryAfter?.Delta, response.Content.Headers.ContentType?.MediaType);
        });

        var accepted = orders.Where(o => answers[o.Id].Status == HttpStatusCode.Created).ToList();
        var refused = orders.Where(o => answers[o.Id].Status != HttpStatusCode.Created).ToList();
        Assert.All(refused, order =>
        {
            var (status, retryAfter, type) = answers[order.Id];
            Assert.True(status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests, $"order {order.Id}: {(int)status}");
            Assert.True(retryAfter >= TimeSpan.FromSeconds(1), $"order {order.Id}: Retry-After {retryAfter}");
            Assert.Equal("application/problem+json", type);
        });
        Assert.NotEmpty(accepted);
        Assert.True(refused.Count > 0, $"all {FloodOrders} orders were accepted: the flood never reached {MaxInFlight} in flight");

        // Accepted means decided, by the checks (all these orders pass them), not by the validation deadline.
        Assert.All(await System.Orders.GetDecidedStatesAsync(accepted.Select(o => o.Id), Ct), state => Assert.Equal(OrderState.Validated, state));
        // Refused means nothing was kept: no view entry, and the same order posted later is a first POST.
        foreach (var order in refused.Take(10))
        {
            using var get = await System.Orders.GetAsync(new Uri($"v1/orders/{order.Id}?timeout=0", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }

        // A client that waits as told gets every refused order in, and each is decided.
        await Parallel.ForEachAsync(refused, new ParallelOptions { MaxDegreeOfParallelism = FloodClients, CancellationToken = Ct },
            async (order, ct) => await System.Orders.PostUntilAcceptedAsync(order, AssertRefusal, ct));
        Assert.All(await System.Orders.GetDecidedStatesAsync(refused.Select(o => o.Id), Ct), state => Assert.Equal(OrderState.Validated, state));
        await ReportAsync($"{FloodOrders} orders from {FloodClients} clients: {accepted.Count} accepted at once, {refused.Count} refused and accepted on retry");
    }

    // In the test's output, and beside the run's log for docs/reliability.md's figures.
    private async Task ReportAsync(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        await File.AppendAllLinesAsync(Path.ChangeExtension(System.LogFile, ".report.md"), [line], Ct);
    }

    // The one instance never goes away here: the only retry is a refusal that said to come back.
    private static void AssertRefusal(string why) => Assert.True(why is "503" or "429", $"POST retried after {why}");

    // A customer of its own per order: fraud's per-customer total never comes near its limit.
    private static Order NewOrder() =>
        new($"overload-{Guid.NewGuid():N}", $"overload-customer-{Guid.NewGuid():N}", OrderState.Created, Product.Jumpers, 1, 1m);

    private static async Task<(HttpStatusCode Status, Order? Order)> PollAsync(HttpClient http, string id)
    {
        using var response = await http.GetAsync(new Uri($"v1/orders/{id}/validated?timeout={OrdersHttp.MaxWaitMs}", UriKind.Relative), Ct);
        return (response.StatusCode, response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<Order>(ContractsJson.Options, Ct) : null);
    }

    // What the kernel says about the app: its open descriptors (a socket per connection) and its resident memory.
    private static int OpenFiles(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    // Nothing announces "the server has accepted N connections": look at the process, with a deadline.
    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(OrderSystem.Timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(50, deadline.Token);
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                Assert.Fail($"Not within {OrderSystem.Timeout}: {what}");
            }
        }
    }

    /// <summary>The system both tests load, started once.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private OrderSystem? _system;

        public OrderSystem System => _system ?? throw new InvalidOperationException("Not started.");

        public async ValueTask InitializeAsync()
        {
            _system = await OrderSystem.StartAsync(
                [AppIds.Orders, AppIds.OrderDetails, AppIds.Fraud, AppIds.Inventory],
                new Dictionary<string, string>
                {
                    ["Validation__MaxInFlight"] = MaxInFlight.ToString(CultureInfo.InvariantCulture),
                    ["RateLimiting__PermitLimit"] = "1000000",
                }, TestContext.Current.CancellationToken);
            await _system.SetStockAsync(Product.Jumpers, 1_000_000, TestContext.Current.CancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            if (_system is not null)
            {
                await _system.DisposeAsync();
            }
        }
    }
}
