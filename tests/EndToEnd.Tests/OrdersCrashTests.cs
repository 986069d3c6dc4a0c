using System.Collections.Concurrent;
using System.Text.Json;
using DaprOrders.Contracts;
using DaprOrders.LocalDapr.Runtime;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>
/// The orders app is killed (SIGKILL) while orders stream in, and started again: the validation workflows it was
/// running continue on the new process, so every accepted order reaches exactly one verdict.
/// </summary>
public sealed class OrdersCrashTests
{
    private const int Clients = 4;
    private const int OrdersBeforeKill = 20;
    private const int OrdersAfterRestart = 20;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_order_accepted_around_a_crash_of_orders_gets_exactly_one_verdict()
    {
        // A deadline far beyond a restart: this is about orders surviving the crash, not about how fast a starved
        // machine brings the app back (with the default 30 s, a CPU-starved run FAILed the orders in flight at
        // their deadline while their results waited for the restarted app).
        await using var system = await OrderSystem.StartAsync(
            OrderSystem.OrderServices, new Dictionary<string, string> { ["Validation__Timeout"] = "00:03:00" }, Ct);
        await system.SetStockAsync(Product.Jumpers, 1_000_000, Ct);
        var ordersApp = system.Apps.Single(a => a.AppId == AppIds.Orders);
        using var load = new SteadyLoad(system.Orders);
        var posting = load.RunAsync(Clients);

        await load.WaitForAcceptedAsync(OrdersBeforeKill);
        await system.Runtime.StopAppAsync(ordersApp, AppStopMode.Kill, Ct);
        var acceptedBeforeRestart = load.Accepted.Count;
        await system.Runtime.RestartAppAsync(ordersApp, Ct);
        await load.WaitForAcceptedAsync(acceptedBeforeRestart + OrdersAfterRestart);
        await load.StopAsync(posting);

        // Every accepted order is decided, as the API answers it...
        var accepted = load.Accepted.ToList();
        var decided = await system.Orders.GetDecidedStatesAsync(accepted.Select(o => o.Id), Ct);
        Assert.All(decided, state => Assert.Equal(OrderState.Validated, state));

        // ...and on the orders topic: one CREATED and one verdict each (a retried activity may publish the same
        // state again, which consumers ignore), never two different verdicts.
        var events = (await system.Kafka.ReadAsync(Topics.Orders, Ct))
            .Select(r => r.Data.Deserialize<Order>(ContractsJson.Options)!)
            .ToLookup(o => o.Id);
        var problems = accepted
            .Select(o => (o.Id, States: events[o.Id].Select(e => e.State).Distinct().Order().ToList()))
            .Where(o => !o.States.SequenceEqual([OrderState.Created, OrderState.Validated]))
            .Select(o => $"{o.Id}: [{string.Join(", ", o.States)}]")
            .ToList();
        Assert.True(problems.Count == 0, $"Orders without exactly CREATED and one verdict: {string.Join("; ", problems)}{Environment.NewLine}{system.RecentOutput}");
        Assert.True(accepted.Count >= acceptedBeforeRestart + OrdersAfterRestart);
    }

    /// <summary>
    /// Clients that post new orders one after another. A POST that gets no answer (the app is down, or died while
    /// answering) is posted again, the same order, until it is accepted: the API's idempotent re-POST makes that
    /// safe, and an order counts as accepted only once it got its 201.
    /// </summary>
    private sealed class SteadyLoad(HttpClient orders) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly SemaphoreSlim _acceptance = new(0);

        public ConcurrentQueue<Order> Accepted { get; } = new();

        public Task RunAsync(int clients) => Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(PostUntilStoppedAsync)));

        /// <summary>Returns once <paramref name="count"/> orders were accepted in all.</summary>
        public async Task WaitForAcceptedAsync(int count)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(OrderSystem.Timeout);
            while (Accepted.Count < count)
            {
                await _acceptance.WaitAsync(timeout.Token);
            }
        }

        public async Task StopAsync(Task running)
        {
            await _stop.CancelAsync();
            await running;
        }

        public void Dispose()
        {
            _stop.Dispose();
            _acceptance.Dispose();
        }

        private async Task PostUntilStoppedAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var order = new Order(TestIds.New("crash-order"), TestIds.New("customer"), OrderState.Created, Product.Jumpers, 1, 10m);
                await orders.PostUntilAcceptedAsync(order, retried: null, Ct);
                Accepted.Enqueue(order);
                _acceptance.Release();
            }
        }
    }
}
