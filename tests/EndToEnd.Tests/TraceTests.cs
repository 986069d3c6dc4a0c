using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using DaprOrders.Contracts;
using DaprOrders.EndToEnd.Tests.Telemetry;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>
/// One trace per order: the client's traceparent on the POST reaches every service and the runtime through the
/// workflow, every pub/sub hop, the actor calls and the email send, with each span's parent where it belongs; the
/// verdict is counted, with its reason, and logged once in the order's trace.
/// </summary>
[Collection(SharedEmailSystem.Name)]
public sealed class TraceTests(EmailSystemFixture fixture)
{
    private static readonly string[] Services = [AppIds.Orders, AppIds.OrderDetails, AppIds.Fraud, AppIds.Inventory, AppIds.Email, "localdapr"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OrderSystem System => fixture.System;

    private OtlpReceiver Telemetry => fixture.Telemetry;

    [Fact]
    public async Task A_validated_order_is_one_trace_across_every_service_and_the_runtime()
    {
        await System.SetStockAsync(Product.Jumpers, 1_000_000, Ct);
        var customer = new Customer(TestIds.New("customer"), "Ada", "Lovelace", "ada@example.com", "1 Analytical Row", "gold");
        var order = new Order(TestIds.New("order"), customer.Id, OrderState.Created, Product.Jumpers, 1, 10m);
        // Customer and payment first, so that the order's VALIDATED event is what completes the email's join and
        // the email is sent in the order's trace.
        await System.PublishAsync(Topics.Customers, customer.Id, customer, Ct);
        await System.PublishAsync(Topics.Payments, order.Id, new Payment(TestIds.New("payment"), order.Id, "EUR", order.Price), Ct);
        await System.Kafka.WaitUntilConsumedAsync(AppIds.Email, Topics.Customers, Ct);
        await System.Kafka.WaitUntilConsumedAsync(AppIds.Email, Topics.Payments, Ct);

        var client = ClientSpan();
        await PostAsync(order, client);
        Assert.Equal(OrderState.Validated, (await System.Orders.GetDecidedOrderAsync(order.Id, Ct)).State);

        // Complete: the last spans to end are there (the run ends after the verdict is published, the send after
        // its binding call), and each span's parent has arrived too: one tree under the client's span.
        var trace = await WaitForTraceAsync(client, spans =>
            Services.All(s => spans.Any(span => span.Service == s))
            && spans.Any(s => s.Service == AppIds.Email && s.Name == "send confirmation")
            && spans.Any(s => s.Name == "orchestration||OrderValidationWorkflow")
            && spans.All(s => s.ParentSpanId == client.SpanId.ToHexString() || spans.Any(p => p.SpanId == s.ParentSpanId)));

        var post = One(trace, s => s.Service == AppIds.Orders && s.Kind == "Server" && s.Name.StartsWith("POST", StringComparison.Ordinal) && s.ParentSpanId == client.SpanId.ToHexString());
        // The workflow: started by the POST, its run a child of the start, each activity a child of the run, the
        // activity's code (the SDK's span) a child of the runtime's activity span.
        var create = One(trace, s => s.Service == "localdapr" && s.Name == "create_orchestration||OrderValidationWorkflow");
        Assert.True(IsDescendant(trace, create, post), Describe(trace));
        var run = One(trace, s => s.Name == "orchestration||OrderValidationWorkflow");
        Assert.Equal(create.SpanId, run.ParentSpanId);
        var publishCreated = ActivityCode(trace, run, "PublishCreatedActivity");
        var publishVerdict = ActivityCode(trace, run, "PublishVerdictActivity");

        // CREATED goes to each validator through a publish and a delivery span of the runtime; the validators'
        // handlers are children of the delivery.
        var createdPublish = One(trace, s => s.Service == "localdapr" && s.Name.EndsWith("/PublishEvent", StringComparison.Ordinal) && s.ParentSpanId == publishCreated.SpanId);
        foreach (var validator in new[] { AppIds.OrderDetails, AppIds.Fraud, AppIds.Inventory })
        {
            var delivery = One(trace, s => s.Name == $"pubsub/{Topics.Orders}" && s.Attributes.GetValueOrDefault("dapr.app_id") == validator && IsDescendant(trace, s, createdPublish));
            var handler = One(trace, s => s.Service == validator && s.Kind == "Server" && s.ParentSpanId == delivery.SpanId);
            // Each validator's result goes back to orders through its own publish and delivery.
            Assert.Contains(trace, s => s.Service == AppIds.Orders && s.Kind == "Server" && s.Name.Contains(Topics.OrderValidations, StringComparison.Ordinal) && IsDescendant(trace, s, handler));
        }

        // The actors: a turn span of the runtime under the validator's call, the actor's code its child.
        foreach (var (service, actorType) in new[] { (AppIds.Fraud, "CustomerSpendActor"), (AppIds.Inventory, "ProductStockActor") })
        {
            var turn = One(trace, s => s.Service == "localdapr" && s.Name.StartsWith($"CallActor/{actorType}/", StringComparison.Ordinal));
            Assert.Contains(trace, s => s.Service == service && s.Kind == "Server" && s.ParentSpanId == turn.SpanId);
        }

        // The verdict: published by the last activity, delivered to email, whose send is in the same trace.
        var send = One(trace, s => s.Service == AppIds.Email && s.Name == "send confirmation");
        Assert.True(IsDescendant(trace, send, publishVerdict), Describe(trace));
        Assert.Contains(trace, s => s.Service == "localdapr" && s.Name.EndsWith("/InvokeBinding", StringComparison.Ordinal) && IsDescendant(trace, s, send));

    }

    [Fact]
    public async Task A_failed_order_is_counted_and_logged_with_the_check_that_failed()
    {
        // In this system only this test orders Underpants, of which there is none: the inventory check fails, and
        // no other order is counted under that reason meanwhile.
        var order = new Order(TestIds.New("order"), TestIds.New("customer"), OrderState.Created, Product.Underpants, 1, 10m);
        static bool OutOfStock(ReceivedPoint p) =>
            p.Service == AppIds.Orders && p.Metric == "daprorders.orders.verdicts"
            && p.Attributes.GetValueOrDefault("daprorders.verdict") == "failed" && p.Attributes.GetValueOrDefault("daprorders.verdict.reason") == "inventory_check";
        var before = Telemetry.LatestPoint(OutOfStock)?.Value ?? 0;

        var client = ClientSpan();
        await PostAsync(order, client);
        Assert.Equal(OrderState.Failed, (await System.Orders.GetDecidedOrderAsync(order.Id, Ct)).State);

        using var timeout = Timeout();
        var counted = await Telemetry.WaitForPointAsync(p => OutOfStock(p) && p.Value > before, timeout.Token);
        Assert.Equal(before + 1, counted.Value);
        var latency = await Telemetry.WaitForPointAsync(p => p.Service == AppIds.Orders && p.Metric == "daprorders.orders.validation.duration" && p.Attributes.GetValueOrDefault("daprorders.verdict.reason") == "inventory_check", timeout.Token);
        Assert.Equal(("s", before + 1), (latency.Unit, latency.Value));

        // One line for the verdict, in the order's trace, with the reason and the time since the POST.
        var verdictLog = Assert.Single(await Telemetry.WaitForLogsAsync(l => l.Service == AppIds.Orders && l.Attributes.GetValueOrDefault("OrderId") == order.Id && l.Attributes.ContainsKey("Reason"), timeout.Token));
        Assert.Equal(("Failed", "inventory_check", client.TraceId.ToHexString()), (verdictLog.Attributes["Verdict"], verdictLog.Attributes["Reason"], verdictLog.TraceId));
        Assert.True(double.Parse(verdictLog.Attributes["LatencyMs"], CultureInfo.InvariantCulture) > 0, verdictLog.Body);
    }

    /// <summary>The span of a client that calls the orders API: the trace's root, known to the test.</summary>
    private static ActivityContext ClientSpan() => new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

    private async Task PostAsync(Order order, ActivityContext client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/orders", UriKind.Relative))
        {
            Content = JsonContent.Create(order, options: ContractsJson.Options),
        };
        request.Headers.Add("traceparent", $"00-{client.TraceId.ToHexString()}-{client.SpanId.ToHexString()}-01");
        using var response = await System.Orders.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<IReadOnlyList<ReceivedSpan>> WaitForTraceAsync(ActivityContext client, Func<IReadOnlyList<ReceivedSpan>, bool> complete)
    {
        var traceId = client.TraceId.ToHexString();
        using var timeout = Timeout();
        try
        {
            return await Telemetry.WaitForSpansAsync(all => complete(all.Where(s => s.TraceId == traceId).ToList()), timeout.Token)
                .ContinueWith(t => (IReadOnlyList<ReceivedSpan>)t.Result.Where(s => s.TraceId == traceId).ToList(), TaskScheduler.Default);
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            Assert.Fail($"The trace is incomplete after {OrderSystem.Timeout}:{Environment.NewLine}{Describe(Telemetry.Spans.Where(s => s.TraceId == traceId).ToList())}");
            throw;
        }
    }

    /// <summary>The SDK's span of a workflow activity's code, under the runtime's span of that activity, under the run.</summary>
    private static ReceivedSpan ActivityCode(IReadOnlyList<ReceivedSpan> trace, ReceivedSpan run, string activity)
    {
        var dispatched = One(trace, s => s.Service == "localdapr" && s.Name == $"activity||{activity}" && s.ParentSpanId == run.SpanId);
        return One(trace, s => s.Service == AppIds.Orders && s.Name == $"WorkflowActivity {activity}" && s.ParentSpanId == dispatched.SpanId);
    }

    /// <summary>The one span of the trace that matches, or a failure that shows the whole trace.</summary>
    private static ReceivedSpan One(IReadOnlyList<ReceivedSpan> trace, Func<ReceivedSpan, bool> match, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(match))] string what = "")
    {
        var found = trace.Where(match).ToList();
        Assert.True(found.Count == 1, $"{found.Count} spans where {what}, in:{Environment.NewLine}{Describe(trace)}");
        return found[0];
    }

    private static bool IsDescendant(IReadOnlyList<ReceivedSpan> trace, ReceivedSpan span, ReceivedSpan ancestor)
    {
        var byId = trace.ToDictionary(s => s.SpanId, StringComparer.Ordinal);
        for (var current = span; current.ParentSpanId is { } parent && byId.TryGetValue(parent, out var next); current = next)
        {
            if (parent == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(IReadOnlyList<ReceivedSpan> spans) =>
        string.Join(Environment.NewLine, spans.Select(s => $"  {s.SpanId} <- {s.ParentSpanId ?? "(root)"}  {s.Service}: {s.Name} [{s.Kind}]"));

    private static CancellationTokenSource Timeout()
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(OrderSystem.Timeout);
        return timeout;
    }
}
