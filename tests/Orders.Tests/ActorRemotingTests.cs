using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprOrders.Contracts;
using DaprOrders.Orders.Validation;

namespace DaprOrders.Orders.Tests;

/// <summary>
/// The real Dapr actor proxy (JSON remoting), actor runtime endpoints, state provider and reminders, through a
/// fake sidecar: catches what the in-process actor tests cannot (serialization across the wire).
/// </summary>
public sealed class ActorRemotingTests : IAsyncLifetime
{
    private readonly string _id = $"o-{Guid.NewGuid():N}";
    private FakeActorSidecar _sidecar = null!;
    private OrdersApplication _app = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _sidecar = await FakeActorSidecar.StartAsync(Cancel);
        _app = new OrdersApplication(_sidecar.Endpoint);
        _client = _app.CreateClient();
        _sidecar.App = _client;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _sidecar.DisposeAsync();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private object Body(int quantity = 1) => new { id = _id, customerId = "c-9", product = "STOCKINGS", quantity, price = 12m };

    private IEnumerable<OrderState> PublishedStates() => _app.Publisher.On<Order>(Topics.Orders).Select(o => o.State);

    [Fact]
    public async Task A_posted_order_reaches_its_actor_which_saves_it_registers_the_deadline_and_publishes_it()
    {
        var response = await _client.PostAsJsonAsync("/v1/orders", Body(), Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal([OrderState.Created], PublishedStates());
        var saved = JsonSerializer.Deserialize<ValidationProgress>(_sidecar.StateOf(OrderValidationActor.TypeName, _id, "progress")!, ContractsJson.Options);
        Assert.True(saved!.CreatedPublished);
        var deadline = _sidecar.Reminders[$"{OrderValidationActor.TypeName}||{_id}||deadline"];
        Assert.Equal("0h0m30s0ms", deadline.GetProperty("dueTime").GetString());
    }

    [Fact]
    public async Task Outcomes_cross_the_wire_idempotent_repost_and_conflict()
    {
        await _client.PostAsJsonAsync("/v1/orders", Body(), Cancel);

        var again = await _client.PostAsJsonAsync("/v1/orders", Body(), Cancel);
        var conflict = await _client.PostAsJsonAsync("/v1/orders", Body(quantity: 5), Cancel);

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Single(_app.Publisher.Published);
    }

    [Fact]
    public async Task Three_passes_through_the_subscription_validate_the_order_and_remove_the_deadline()
    {
        await _client.PostAsJsonAsync("/v1/orders", Body(), Cancel);

        foreach (var check in Enum.GetValues<OrderValidationType>())
        {
            var delivery = await _client.PostAsync($"/events/{Topics.OrderValidations}",
                CloudEvents.Wrap(new OrderValidation(_id, check, OrderValidationResult.Pass), Topics.OrderValidations), Cancel);
            Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);
        }

        Assert.Equal([OrderState.Created, OrderState.Validated], PublishedStates());
        Assert.Empty(_sidecar.Reminders);
    }

    [Fact]
    public async Task The_deadline_reminder_callback_fails_an_undecided_order()
    {
        await _client.PostAsJsonAsync("/v1/orders", Body(), Cancel);

        var callback = await _sidecar.FireReminderAsync(OrderValidationActor.TypeName, _id, "deadline", Cancel);

        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        Assert.Equal([OrderState.Created, OrderState.Failed], PublishedStates());
    }

    [Fact]
    public async Task A_publish_failure_inside_the_actor_is_a_500_and_the_repost_publishes()
    {
        _app.Publisher.FailNext();

        var failed = await _client.PostAsJsonAsync("/v1/orders", Body(), Cancel);
        var retried = await _client.PostAsJsonAsync("/v1/orders", Body(), Cancel);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal([OrderState.Created], PublishedStates());
    }
}
