using System.Net;
using System.Net.Http.Json;
using DaprOrders.Contracts;
using DaprOrders.Orders.View;
using Microsoft.Extensions.DependencyInjection;

namespace DaprOrders.Orders.Tests;

/// <summary>Two orders instances over one state store, as Dapr runs them: consumer group plus broadcast.</summary>
public sealed class MultipleInstancesTests : IAsyncDisposable
{
    private readonly OrdersApplication _a = new();
    private readonly OrdersApplication _b;
    private readonly HttpClient _clientA;
    private readonly HttpClient _clientB;
    private readonly Order _order = new($"o-{Guid.NewGuid():N}", "c-1", OrderState.Created, Product.Jumpers, 1, 9m);

    public MultipleInstancesTests()
    {
        _b = new OrdersApplication(sharedStore: _a.StateStore);
        _clientA = _a.CreateClient();
        _clientB = _b.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        _clientA.Dispose();
        _clientB.Dispose();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_get_held_by_one_instance_is_answered_when_the_other_instance_handles_the_update()
    {
        _a.StateStore.Put(OrderViewProjection.KeyFor(_order.Id), _order);
        var get = _clientB.GetAsync($"/v1/orders/{_order.Id}/validated?timeout=60000", Cancel);
        var waitersOnB = _b.Services.GetRequiredService<OrderWaiters>();
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancel))
        {
            deadline.CancelAfter(TimeSpan.FromSeconds(30));
            while (waitersOnB.Count(_order.Id) == 0)
            {
                await Task.Delay(5, deadline.Token);
            }
        }

        var validated = _order with { State = OrderState.Validated };
        // The consumer group hands the event to A, which writes the view; the broadcast reaches every instance.
        var toA = await _clientA.PostAsync($"/events/{Topics.Orders}", CloudEvents.Wrap(validated, Topics.Orders), Cancel);
        await _clientA.PostAsync(OrderSubscriptions.BroadcastRoute, CloudEvents.Wrap(validated, Topics.Orders, DaprComponents.BroadcastPubSub), Cancel);
        await _clientB.PostAsync(OrderSubscriptions.BroadcastRoute, CloudEvents.Wrap(validated, Topics.Orders, DaprComponents.BroadcastPubSub), Cancel);

        Assert.Equal(HttpStatusCode.OK, toA.StatusCode);
        var response = await get;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(validated, await response.Content.ReadFromJsonAsync<Order>(ContractsJson.Options, Cancel));
        Assert.Equal(OrderState.Validated, _a.StateStore.Peek<Order>(OrderViewProjection.KeyFor(_order.Id))!.State);
    }
}
