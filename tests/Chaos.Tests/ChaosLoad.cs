using System.Collections.Concurrent;
using System.Net;
using DaprOrders.Contracts;
using DaprOrders.EndToEnd.Tests;

namespace DaprOrders.Chaos.Tests;

/// <summary>
/// A steady stream of orders with their payments, from several clients spread over the orders instances. A POST
/// without an answer (the instance is down or died while answering) or with a 5xx is posted again, the same order,
/// until it is accepted: re-POSTing the same order is idempotent, and an order counts as accepted only at its 201.
/// Each accepted order's payment is then published by the loader, again until it is taken.
/// </summary>
internal sealed class ChaosLoad(OrderSystem system, IReadOnlyList<Customer> customers) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _acceptance = new(0);
    private int _next;

    /// <summary>
    /// Accepted orders, in order of acceptance.
    /// </summary>
    public ConcurrentQueue<Order> Accepted { get; } = new();

    /// <summary>
    /// Answers other than 201 that were retried (a dying or starting app), by status; 4xx would fail the run.
    /// </summary>
    public ConcurrentDictionary<string, int> Retried { get; } = new();

    public Task RunAsync(int clients) => Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(PostUntilStoppedAsync)));

    /// <summary>
    /// Returns once <paramref name="more"/> orders more than now were accepted.
    /// </summary>
    public async Task WaitForMoreAcceptedAsync(int more, CancellationToken cancellationToken)
    {
        var target = Accepted.Count + more;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(OrderSystem.Timeout * 2);
        while (Accepted.Count < target)
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
            var n = Interlocked.Increment(ref _next);
            var customer = customers[n % customers.Count];
            // Jumpers are scarce (the oversell check), underpants plentiful; prices far below the fraud limit.
            var product = n % 3 == 0 ? Product.Jumpers : Product.Underpants;
            var order = new Order($"chaos-{n}-{Guid.NewGuid():N}", customer.Id, OrderState.Created, product, 1 + (n % 2), 5m);
            await system.OrdersInstances[n % system.OrdersInstances.Count].PostUntilAcceptedAsync(
                order, why => Retried.AddOrUpdate(why, 1, (_, c) => c + 1), CancellationToken.None);
            Accepted.Enqueue(order);
            _acceptance.Release();
            // Closed loop: the next order once this one is decided, so the load is what the system can take (an
            // open-ended stream would only pile up orders that fail at the validation deadline).
            await WaitUntilDecidedAsync(order.Id, n);
            await PublishUntilTakenAsync(new Payment($"pay-{order.Id}", order.Id, "EUR", order.Price));
        }
    }

    private async Task WaitUntilDecidedAsync(string id, int n)
    {
        for (var attempt = n; ; attempt++)
        {
            try
            {
                var orders = system.OrdersInstances[attempt % system.OrdersInstances.Count];
                using var response = await orders.GetAsync(new Uri($"v1/orders/{id}/validated?timeout={OrdersHttp.MaxWaitMs}", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // that instance is down: ask the other
            }

            await Task.Delay(50);
        }
    }

    private async Task PublishUntilTakenAsync(Payment payment)
    {
        while (true)
        {
            try
            {
                await system.PublishAsync(Topics.Payments, payment.OrderId, payment, CancellationToken.None);
                return;
            }
            catch (Dapr.DaprException)
            {
                await Task.Delay(50);
            }
        }
    }
}
