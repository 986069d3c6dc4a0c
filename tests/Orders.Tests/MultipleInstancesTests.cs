using System.Net;
using System.Net.Http.Json;
using DaprOrders.Contracts;
using DaprOrders.Orders.View;
using DaprOrders.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace DaprOrders.Orders.Tests;

/// <summary>
/// Two orders instances over one state store, each with its own sidecar of one workflow engine, as Dapr runs them:
/// consumer group plus broadcast for the view, one workflow per order whichever instance runs it.
/// </summary>
public sealed class MultipleInstancesTests : IAsyncLifetime
{
    private readonly Order _order = new($"o-{Guid.NewGuid():N}", "c-1", OrderState.Created, Product.Jumpers, 1, 9m);
    private WorkflowRuntime _runtime = null!;
    private OrdersApplication _a = null!;
    private OrdersApplication _b = null!;
    private HttpClient _clientA = null!;
    private HttpClient _clientB = null!;

    public async ValueTask InitializeAsync()
    {
        _runtime = await WorkflowRuntime.StartAsync(instances: 2);
        _a = new OrdersApplication(_runtime.Sidecars[0]);
        _b = new OrdersApplication(_runtime.Sidecars[1], sharedStore: _a.StateStore);
        _clientA = _a.CreateClient();
        _clientB = _b.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        _clientA.Dispose();
        _clientB.Dispose();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _runtime.DisposeAsync();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_get_held_by_one_instance_is_answered_when_the_other_instance_handles_the_update()
    {
        _a.StateStore.Put(OrderViewProjection.KeyFor(_order.Id), _order);
        var get = _clientB.GetAsync($"/v1/orders/{_order.Id}/validated?timeout=60000", Cancel);
        await _b.WaitUntilParkedAsync(_order.Id, 1, Cancel);

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

    [Fact]
    public async Task The_same_post_to_both_instances_at_once_runs_one_workflow_and_publishes_created_once()
    {
        var body = new { id = _order.Id, customerId = _order.CustomerId, product = "JUMPERS", quantity = _order.Quantity, price = _order.Price };

        var responses = await Task.WhenAll(
            _clientA.PostAsJsonAsync("/v1/orders", body, Cancel),
            _clientB.PostAsJsonAsync("/v1/orders", body, Cancel));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        foreach (var check in Enum.GetValues<OrderValidationType>())
        {
            var delivery = await _clientB.PostAsync($"/events/{Topics.OrderValidations}",
                CloudEvents.Wrap(new OrderValidation(_order.Id, check, OrderValidationResult.Pass), Topics.OrderValidations), Cancel);
            Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);
        }

        using var deadline = Within.Deadline();
        var finished = await _a.Workflows.WaitForWorkflowCompletionAsync(_order.Id, cancellation: deadline.Token);
        Assert.Equal(OrderState.Validated, finished.ReadOutputAs<OrderState>());
        // Either instance's worker may have run the activities: count what both published.
        var published = _a.Publisher.On<Order>(Topics.Orders).Concat(_b.Publisher.On<Order>(Topics.Orders));
        Assert.Equal([OrderState.Created, OrderState.Validated], published.Select(o => o.State).Order());
    }
}
