using DaprOrders.Contracts;
using DaprOrders.Orders.View;
using DaprOrders.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprOrders.Orders.Tests;

public sealed class OrderWaitServiceTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);
    private readonly Order _order = new($"o-{Guid.NewGuid():N}", "c-1", OrderState.Created, Product.Jumpers, 1, 5m);
    private readonly InMemoryStateStore _store = new();
    private readonly OrderWaiters _waiters = new();
    private readonly OrderViewProjection _view;
    private readonly OrderWaitService _waits;

    public OrderWaitServiceTests()
    {
        _view = new OrderViewProjection(_store, NullLogger<OrderViewProjection>.Instance);
        _waits = new OrderWaitService(_view, _waiters, TimeProvider.System);
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static bool IsDecided(Order order) => OrderStates.IsDecided(order.State);

    [Fact]
    public async Task An_order_already_in_the_view_is_returned_without_waiting()
    {
        await _view.ApplyAsync(_order, Cancel);

        var order = await _waits.WaitAsync(_order.Id, _ => true, Long, Cancel);

        Assert.Equal(_order, order.Order);
        Assert.Equal(0, _waiters.Count(_order.Id));
    }

    [Fact]
    public async Task An_event_that_arrives_while_the_view_is_read_ends_the_wait_at_once()
    {
        // The view is read before the event reaches it, and the event's notification comes before the read is
        // answered: the wait is registered already, so it hears it.
        var validated = _order with { State = OrderState.Validated };
        _store.AfterNextGet = _ => _waiters.Notify(validated);

        var wait = _waits.WaitAsync(_order.Id, IsDecided, Long, Cancel);

        // The in-memory store answers synchronously, so only the notification can have completed the wait by now.
        Assert.True(wait.IsCompletedSuccessfully);
        Assert.Equal(validated, (await wait).Order);
    }

    [Fact]
    public async Task A_wait_reads_the_view_once_before_it_waits()
    {
        var wait = _waits.WaitAsync(_order.Id, IsDecided, Long, Cancel);
        Assert.Equal(1, _store.Reads);

        _waiters.Notify(_order with { State = OrderState.Validated });

        Assert.Equal(OrderState.Validated, (await wait).Order!.State);
    }

    [Fact]
    public async Task A_full_registry_still_answers_an_order_that_needs_no_wait()
    {
        var waiters = new OrderWaiters(capacity: 0);
        var waits = new OrderWaitService(_view, waiters, TimeProvider.System);
        await _view.ApplyAsync(_order, Cancel);

        Assert.Equal(_order, (await waits.WaitAsync(_order.Id, _ => true, Long, Cancel)).Order);
        Assert.Equal(OrderWait.Full, await waits.WaitAsync(_order.Id, IsDecided, Long, Cancel));
    }

    [Fact]
    public async Task A_change_of_the_view_no_event_tells_of_is_found_by_a_reread_long_before_the_timeout()
    {
        // As on an instance whose broadcast subscription started after the order's event was published.
        var wait = _waits.WaitAsync(_order.Id, IsDecided, Long, Cancel);
        await _view.ApplyAsync(_order with { State = OrderState.Validated }, Cancel);

        var order = await wait.WaitAsync(OrderWaitService.FirstReread * 10, Cancel);

        Assert.Equal(OrderState.Validated, order.Order!.State);
        Assert.Equal(0, _waiters.Count(_order.Id));
    }

    [Fact]
    public async Task A_notification_that_does_not_satisfy_the_wait_keeps_it_waiting()
    {
        var wait = _waits.WaitAsync(_order.Id, IsDecided, TimeSpan.FromMilliseconds(200), Cancel);

        _waiters.Notify(_order);
        var order = await wait;

        // Timed out: the view is empty, so nothing; the CREATED notification did not end the wait.
        Assert.Equal(new OrderWait(null), order);
    }

    [Fact]
    public async Task A_satisfying_notification_ends_the_wait_with_the_notified_order()
    {
        var wait = _waits.WaitAsync(_order.Id, IsDecided, Long, Cancel);

        _waiters.Notify(_order with { State = OrderState.Validated });

        Assert.Equal(OrderState.Validated, (await wait).Order!.State);
        Assert.Equal(0, _waiters.Count(_order.Id));
    }

    [Fact]
    public async Task A_cancelled_request_stops_waiting_and_leaves_no_waiter_behind()
    {
        using var request = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var wait = _waits.WaitAsync(_order.Id, _ => true, Long, request.Token);

        await request.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.Equal(0, _waiters.Count(_order.Id));
    }

    [Fact]
    public async Task At_the_timeout_the_view_is_read_once_more()
    {
        var wait = _waits.WaitAsync(_order.Id, IsDecided, TimeSpan.FromMilliseconds(200), Cancel);
        await _view.ApplyAsync(_order, Cancel);

        Assert.Equal(_order, (await wait).Order);
    }

    [Fact]
    public async Task A_full_registry_refuses_a_wait_and_takes_one_again_once_a_waiter_leaves()
    {
        var waiters = new OrderWaiters(capacity: 1);
        var waits = new OrderWaitService(_view, waiters, TimeProvider.System);
        using var request = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var held = waits.WaitAsync(_order.Id, _ => true, Long, request.Token);

        Assert.Equal(OrderWait.Full, await waits.WaitAsync("o-other", _ => true, Long, Cancel));

        await request.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held);
        var again = waits.WaitAsync("o-other", _ => true, Long, Cancel);
        Assert.False(again.IsCompleted);
        waiters.Notify(_order with { Id = "o-other" });
        Assert.Equal("o-other", (await again).Order?.Id);
    }
}
