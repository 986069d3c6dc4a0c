using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapr.Workflow;
using DaprOrders.Contracts;
using DaprOrders.Orders.Validation;
using DaprOrders.TestDoubles;

namespace DaprOrders.Orders.Tests;

/// <summary>
/// The real <see cref="OrderValidationWorkflow"/> on the local runtime's workflow engine, driven the way production
/// drives it: orders POSTed to the API, the validators' results delivered to the order-validations subscription.
/// </summary>
public sealed class OrderValidationWorkflowTests : IAsyncLifetime
{
    private static readonly TimeSpan ShortDeadline = TimeSpan.FromSeconds(1);

    private readonly string _id = $"o-{Guid.NewGuid():N}";
    private WorkflowRuntime _runtime = null!;
    private OrdersApplication _app = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _runtime = await WorkflowRuntime.StartAsync();
        Start();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _runtime.DisposeAsync();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private Order Order => new(_id, "c-1", OrderState.Created, Product.Underpants, 3, 45m);

    private object Body(int quantity = 3) => new { id = _id, customerId = "c-1", product = "UNDERPANTS", quantity, price = 45m };

    private IEnumerable<OrderState> PublishedStates() => _app.Publisher.On<Order>(Topics.Orders).Select(o => o.State);

    // The app (and its workflow worker) for this test; again with a deadline of its own where a test needs one.
    private void Start(TimeSpan? validationTimeout = null)
    {
        _app = new OrdersApplication(_runtime.Sidecars[0], validationTimeout: validationTimeout);
        _client = _app.CreateClient();
    }

    private async Task Restart(TimeSpan validationTimeout)
    {
        _client.Dispose();
        await _app.DisposeAsync();
        Start(validationTimeout);
    }

    private Task<HttpResponseMessage> Post(int quantity = 3) => _client.PostAsJsonAsync("/v1/orders", Body(quantity), Cancel);

    private async Task<string> DeliverResult(OrderValidationType check, OrderValidationResult result, string? orderId = null)
    {
        var response = await _client.PostAsync($"/events/{Topics.OrderValidations}",
            CloudEvents.Wrap(new OrderValidation(orderId ?? _id, check, result), Topics.OrderValidations), Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("status").GetString()!;
    }

    private async Task PassAll()
    {
        foreach (var check in ValidationRules.RequiredChecks)
        {
            Assert.Equal("SUCCESS", await DeliverResult(check, OrderValidationResult.Pass));
        }
    }

    private async Task<WorkflowState> Finished()
    {
        using var deadline = Within.Deadline();
        var state = await _app.Workflows.WaitForWorkflowCompletionAsync(_id, cancellation: deadline.Token);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        return state;
    }

    private async Task<PublishedOrder> NextPublished()
    {
        using var deadline = Within.Deadline();
        var published = await _app.Publisher.NextAsync(deadline.Token);
        return new PublishedOrder(published.Topic, published.Key, Assert.IsType<Order>(published.Message));
    }

    private sealed record PublishedOrder(string Topic, string Key, Order Order);

    [Fact]
    public async Task A_posted_order_is_published_as_created_and_three_passes_publish_it_validated_once()
    {
        Assert.Equal(HttpStatusCode.Created, (await Post()).StatusCode);

        Assert.Equal(new PublishedOrder(Topics.Orders, _id, Order), await NextPublished());
        await PassAll();

        Assert.Equal(new PublishedOrder(Topics.Orders, _id, Order with { State = OrderState.Validated }), await NextPublished());
        Assert.Equal(OrderState.Validated, (await Finished()).ReadOutputAs<OrderState>());
        Assert.Equal([OrderState.Created, OrderState.Validated], PublishedStates());
        Assert.Equal(new AcceptedOrder(Order, OrderState.Validated), _app.StateStore.Peek<AcceptedOrder>(AcceptedOrder.KeyFor(_id)));
    }

    [Fact]
    public async Task The_workflow_input_and_output_are_json_in_the_contracts_shape()
    {
        await Post();
        await PassAll();

        var state = await Finished();

        var input = state.ReadInputAs<JsonElement>();
        Assert.Equal(["order", "timeout", "postedAt"], input.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            $$"""{"id":"{{_id}}","customerId":"c-1","state":"CREATED","product":"UNDERPANTS","quantity":3,"price":45}""",
            input.GetProperty("order").GetRawText());
        Assert.Equal("00:00:30", input.GetProperty("timeout").GetString());
        // When the POST accepted it: the start of the POST-to-verdict latency.
        Assert.True(input.GetProperty("postedAt").TryGetDateTimeOffset(out _), input.GetRawText());
        Assert.Equal("\"VALIDATED\"", state.ReadOutputAs<JsonElement>().GetRawText());
    }

    [Theory]
    [InlineData(OrderValidationResult.Fail)]
    [InlineData(OrderValidationResult.Error)]
    public async Task The_first_fail_or_error_publishes_the_order_failed(OrderValidationResult result)
    {
        await Post();
        await NextPublished();

        await DeliverResult(OrderValidationType.InventoryCheck, OrderValidationResult.Pass);
        await DeliverResult(OrderValidationType.FraudCheck, result);

        Assert.Equal(OrderState.Failed, (await NextPublished()).Order.State);
        Assert.Equal(OrderState.Failed, (await Finished()).ReadOutputAs<OrderState>());
        Assert.Equal([OrderState.Created, OrderState.Failed], PublishedStates());
    }

    [Fact]
    public async Task The_deadline_fails_an_order_whose_checks_did_not_all_answer()
    {
        await Restart(ShortDeadline);
        await Post();
        await NextPublished();

        await DeliverResult(OrderValidationType.InventoryCheck, OrderValidationResult.Pass);
        await DeliverResult(OrderValidationType.FraudCheck, OrderValidationResult.Pass);

        Assert.Equal(OrderState.Failed, (await NextPublished()).Order.State);
        Assert.Equal(OrderState.Failed, (await Finished()).ReadOutputAs<OrderState>());
        // Too late: the verdict stands.
        Assert.Equal("SUCCESS", await DeliverResult(OrderValidationType.OrderDetailsCheck, OrderValidationResult.Pass));
        Assert.Equal([OrderState.Created, OrderState.Failed], PublishedStates());
    }

    [Fact]
    public async Task A_failed_publish_is_retried_and_results_that_arrive_before_the_workflow_waits_still_count()
    {
        // CREATED fails twice; the workflow retries it after 1 s and 2 s, and only then waits for the results.
        _app.Publisher.FailNext(2);
        await Post();

        await PassAll();
        Assert.Empty(_app.Publisher.Published);

        Assert.Equal(OrderState.Created, (await NextPublished()).Order.State);
        Assert.Equal(OrderState.Validated, (await NextPublished()).Order.State);
        await Finished();
    }

    [Fact]
    public async Task Only_the_first_result_of_each_check_counts()
    {
        await Post();
        await NextPublished();

        await DeliverResult(OrderValidationType.FraudCheck, OrderValidationResult.Pass);
        await DeliverResult(OrderValidationType.FraudCheck, OrderValidationResult.Pass);
        // A contradicting repeat of a check that already answered is not a failure.
        await DeliverResult(OrderValidationType.FraudCheck, OrderValidationResult.Fail);
        await DeliverResult(OrderValidationType.InventoryCheck, OrderValidationResult.Pass);
        await DeliverResult(OrderValidationType.InventoryCheck, OrderValidationResult.Pass);
        await DeliverResult(OrderValidationType.OrderDetailsCheck, OrderValidationResult.Pass);

        Assert.Equal(OrderState.Validated, (await NextPublished()).Order.State);
        await Finished();
        Assert.Equal([OrderState.Created, OrderState.Validated], PublishedStates());
    }

    [Fact]
    public async Task A_result_for_an_unknown_order_is_acknowledged_and_ignored()
    {
        var status = await DeliverResult(OrderValidationType.FraudCheck, OrderValidationResult.Pass, orderId: $"unknown-{_id}");

        Assert.Equal("SUCCESS", status);
        Assert.Empty(_app.Publisher.Published);
    }

    [Fact]
    public async Task Results_for_a_decided_order_are_acknowledged_before_and_after_its_workflow_is_purged()
    {
        await Post();
        await PassAll();
        await Finished();

        Assert.Equal("SUCCESS", await DeliverResult(OrderValidationType.FraudCheck, OrderValidationResult.Fail));
        Assert.True(await _app.Workflows.PurgeInstanceAsync(_id, Cancel));
        Assert.Equal("SUCCESS", await DeliverResult(OrderValidationType.FraudCheck, OrderValidationResult.Fail));

        Assert.Equal([OrderState.Created, OrderState.Validated], PublishedStates());
    }

    [Fact]
    public async Task Posting_the_same_order_again_gives_the_same_answer_and_no_second_event()
    {
        var first = await Post();
        await NextPublished();

        var second = await Post();
        await PassAll();
        await Finished();

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(await first.Content.ReadAsStringAsync(Cancel), await second.Content.ReadAsStringAsync(Cancel));
        Assert.Equal([OrderState.Created, OrderState.Validated], PublishedStates());
    }

    [Fact]
    public async Task The_same_id_with_other_content_is_a_conflict_and_changes_nothing()
    {
        await Post(quantity: 3);
        await NextPublished();

        var response = await Post(quantity: 7);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, _app.StateStore.Peek<AcceptedOrder>(AcceptedOrder.KeyFor(_id))!.Order.Quantity);
        await PassAll();
        Assert.Equal(3, (await NextPublished()).Order.Quantity);
    }

    [Fact]
    public async Task Posting_a_decided_order_again_starts_no_new_run()
    {
        await Post();
        await PassAll();
        var decided = await Finished();

        var again = await Post();

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        // Dapr would start a new run over the finished instance: the same instance, not restarted, says it did not.
        var state = await _app.Workflows.GetWorkflowStateAsync(_id, getInputsAndOutputs: false, Cancel);
        Assert.Equal((WorkflowRuntimeStatus.Completed, decided.CreatedAt), (state.RuntimeStatus, state.CreatedAt));
        Assert.Equal([OrderState.Created, OrderState.Validated], PublishedStates());
    }

    [Fact]
    public async Task Posting_a_decided_order_again_after_its_workflow_was_purged_starts_nothing()
    {
        await Post();
        await PassAll();
        await Finished();
        Assert.True(await _app.Workflows.PurgeInstanceAsync(_id, Cancel));

        var again = await Post();

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.False((await _app.Workflows.GetWorkflowStateAsync(_id, getInputsAndOutputs: false, Cancel)).Exists);
        Assert.Equal([OrderState.Created, OrderState.Validated], PublishedStates());
    }

    [Fact]
    public async Task An_order_recorded_by_a_post_that_crashed_before_scheduling_is_scheduled_by_the_retry()
    {
        _app.StateStore.Put(AcceptedOrder.KeyFor(_id), new AcceptedOrder(Order, null));

        var retry = await Post();

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(Order, (await NextPublished()).Order);
        await PassAll();
        Assert.Equal(OrderState.Validated, (await Finished()).ReadOutputAs<OrderState>());
    }

    [Fact]
    public async Task A_second_run_under_a_decided_order_id_publishes_nothing()
    {
        await Post();
        await PassAll();
        await Finished();

        // What a re-POST racing with the verdict could do: schedule over the finished instance.
        await _app.Workflows.ScheduleNewWorkflowAsync(nameof(OrderValidationWorkflow), _id,
            new OrderValidationInput(Order, ShortDeadline), startTime: null, Cancel);

        Assert.Equal(OrderState.Validated, (await Finished()).ReadOutputAs<OrderState>());
        Assert.Equal([OrderState.Created, OrderState.Validated], PublishedStates());
    }
}
