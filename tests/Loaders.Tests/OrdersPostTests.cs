using System.Net;
using System.Threading.Channels;

namespace DaprOrders.Loaders.Tests;

/// <summary>
/// `orders post` against a fake orders API and sidecar, on a stepping clock.
/// </summary>
public sealed class OrdersPostTests
{
    private const string Api = "http://orders.test:6001";
    private readonly LoadersHarness _loaders = new();

    [Fact]
    public async Task Each_order_is_posted_then_its_payment_is_published_keyed_by_order_id()
    {
        var run = await _loaders.RunAsync("orders", "post", "--count", "3", "--rate", "1000", "--id-prefix", "t-", "--customer", "c-7", "c-8", "--api-url", Api, "--progress-interval", "0");

        Assert.Equal(0, run.ExitCode);
        var requests = _loaders.Http.Requests;
        Assert.Equal(6, requests.Count);
        var orders = requests.Where(r => r.Uri.Host == "orders.test").ToList();
        Assert.All(orders, o => Assert.Equal("http://orders.test:6001/v1/orders", o.Uri.AbsoluteUri));
        Assert.All(orders, o => Assert.Equal("application/json", o.ContentType));
        Assert.Equal(
            [
                """{"id":"t-1","customerId":"c-7","state":"CREATED","product":"JUMPERS","quantity":1,"price":10}""",
                """{"id":"t-2","customerId":"c-8","state":"CREATED","product":"UNDERPANTS","quantity":1,"price":10}""",
                """{"id":"t-3","customerId":"c-7","state":"CREATED","product":"STOCKINGS","quantity":1,"price":10}""",
            ],
            orders.Select(o => o.Body).Order(StringComparer.Ordinal));
        foreach (var id in new[] { "t-1", "t-2", "t-3" })
        {
            var order = requests.ToList().FindIndex(r => r.Body.Contains($"\"id\":\"{id}\"", StringComparison.Ordinal));
            var payment = requests.ToList().FindIndex(r => r.Uri.AbsoluteUri == $"http://localhost:3500/v1.0/publish/pubsub/payments?metadata.partitionKey={id}");
            Assert.True(payment > order, $"the payment of {id} is published after its order was accepted");
            Assert.Equal($$"""{"id":"p-{{id}}","orderId":"{{id}}","ccy":"EUR","amount":10}""", requests[payment].Body);
        }
    }

    [Fact]
    public async Task With_ORDERS_API_TOKEN_set_orders_carry_it_as_a_bearer_token_and_payments_do_not()
    {
        _loaders.Environment["ORDERS_API_TOKEN"] = "admin-jwt";

        var run = await _loaders.RunAsync("orders", "post", "--count", "1", "--rate", "1000", "--api-url", Api, "--progress-interval", "0");

        Assert.Equal(0, run.ExitCode);
        var order = Assert.Single(_loaders.Http.Requests, r => r.Uri.Host == "orders.test");
        var payment = Assert.Single(_loaders.Http.Requests, r => r.Uri.Host == "localhost");
        Assert.Equal("Bearer admin-jwt", order.Headers["Authorization"]);
        Assert.False(payment.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Orders_go_out_on_an_open_loop_schedule_at_the_given_rate()
    {
        // One order at a time: each is answered before the clock can move on, so its arrival time is its send time.
        var run = await _loaders.RunAsync("orders", "post", "--count", "5", "--rate", "2/s", "--max-in-flight", "1", "--no-payments", "--api-url", Api, "--progress-interval", "0");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [0, 500, 1000, 1500, 2000],
            _loaders.Http.Requests.Select(r => r.At.TotalMilliseconds));
    }

    [Fact]
    public async Task Without_a_rate_orders_go_out_at_ten_per_second()
    {
        var run = await _loaders.RunAsync("orders", "post", "--count", "3", "--max-in-flight", "1", "--no-payments", "--api-url", Api, "--progress-interval", "0");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([0, 100, 200], _loaders.Http.Requests.Select(r => r.At.TotalMilliseconds));
    }

    [Fact]
    public async Task Sending_waits_when_max_in_flight_orders_are_unanswered()
    {
        var arrivals = Channel.CreateUnbounded<RecordedRequest>();
        var answer = new SemaphoreSlim(0);
        var inFlight = 0;
        var mostInFlight = 0;
        _loaders.Http.Respond = async request =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref mostInFlight, now);
            await arrivals.Writer.WriteAsync(request);
            await answer.WaitAsync(TestContext.Current.CancellationToken);
            Interlocked.Decrement(ref inFlight);
            return FakeHttp.Default(request);
        };

        var run = _loaders.RunAsync("orders", "post", "--count", "6", "--rate", "1000", "--max-in-flight", "2", "--no-payments", "--api-url", Api, "--progress-interval", "0");
        var seen = 0;
        for (var answered = 0; answered < 6; answered++)
        {
            // Wait until as many orders as allowed are unanswered, then answer one.
            while (seen - answered < Math.Min(2, 6 - answered))
            {
                await arrivals.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(LoadersHarness.Timeout, TestContext.Current.CancellationToken);
                seen++;
            }

            answer.Release();
        }

        Assert.Equal(0, (await run).ExitCode);
        Assert.Equal(6, seen);
        Assert.Equal(2, mostInFlight);
    }

    [Fact]
    public async Task Progress_is_written_to_stderr_once_per_interval()
    {
        var run = await _loaders.RunAsync("orders", "post", "--count", "30", "--rate", "10", "--no-payments", "--id-prefix", "p-", "--api-url", Api, "--progress-interval", "1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(2, run.ErrorLines.Length);
        Assert.StartsWith("orders: 11/30 sent, ", run.ErrorLines[0], StringComparison.Ordinal);
        Assert.EndsWith(", 1 s", run.ErrorLines[0], StringComparison.Ordinal);
        Assert.StartsWith("orders: 21/30 sent, ", run.ErrorLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_summary_gives_counts_rates_latency_and_failures_by_reason()
    {
        _loaders.Http.Respond = request =>
        {
            if (request.Uri.Host != "orders.test")
            {
                return Task.FromResult(FakeHttp.Default(request));
            }

            _loaders.Clock.Advance(TimeSpan.FromMilliseconds(request.Body.Contains("\"id\":\"s-1\"", StringComparison.Ordinal) ? 40 : 20));
            return Task.FromResult(request.Body.Contains("\"id\":\"s-2\"", StringComparison.Ordinal)
                ? FakeHttp.Json(HttpStatusCode.Conflict, """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.10","title":"Another order with this id exists.","status":409,"detail":"Order 's-2' was accepted earlier with different content; order ids cannot be reused."}""")
                : FakeHttp.Default(request));
        };

        var run = await _loaders.RunAsync("orders", "post", "--count", "3", "--rate", "1", "--max-in-flight", "1", "--id-prefix", "s-", "--api-url", Api, "--progress-interval", "0");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            [
                "orders post: 3 of 3 orders sent at 1.0/s (target 1/s), done after 2.0 s",
                "orders:   2 accepted, 1 failed, 0 cancelled",
                "payments: 2 published, 0 failed, 0 cancelled",
                "POST /v1/orders latency: p50 20.0 ms, p95 40.0 ms, p99 40.0 ms, max 40.0 ms",
                "order ids: s-1 .. s-3",
                "failures:",
                "1× order: 409 Conflict: Another order with this id exists.",
            ],
            run.OutLines);
    }

    [Fact]
    public async Task When_slow_answers_hold_sending_back_the_summary_shows_the_rate_achieved()
    {
        _loaders.Http.Respond = request =>
        {
            _loaders.Clock.Advance(TimeSpan.FromMilliseconds(500));
            return Task.FromResult(FakeHttp.Default(request));
        };

        var run = await _loaders.RunAsync("orders", "post", "--count", "3", "--rate", "10", "--max-in-flight", "1", "--no-payments", "--api-url", Api, "--progress-interval", "0");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal([0, 500, 1000], _loaders.Http.Requests.Select(r => r.At.TotalMilliseconds));
        Assert.Equal("orders post: 3 of 3 orders sent at 2.0/s (target 10/s), done after 1.5 s", run.OutLines[0]);
    }

    [Fact]
    public async Task Failed_payments_are_counted_apart_from_orders()
    {
        _loaders.Http.Respond = request => Task.FromResult(request.Uri.AbsolutePath.StartsWith("/v1.0/publish/", StringComparison.Ordinal)
            ? FakeHttp.Json(HttpStatusCode.Forbidden, """{"errorCode":"ERR_PUBSUB_FORBIDDEN","message":"topic payments is not allowed for app id orders"}""")
            : FakeHttp.Default(request));

        var run = await _loaders.RunAsync("orders", "post", "--count", "4", "--rate", "100", "--api-url", Api, "--progress-interval", "0");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("orders:   4 accepted, 0 failed, 0 cancelled", run.OutLines);
        Assert.Contains("payments: 0 published, 4 failed, 0 cancelled", run.OutLines);
        Assert.Contains("4× payment: 403 Forbidden: ERR_PUBSUB_FORBIDDEN topic payments is not allowed for app id orders", run.OutLines);
    }

    [Fact]
    public async Task An_unreachable_api_stops_the_run_with_a_summary_and_no_stack_trace()
    {
        _loaders.UseRealHttp = true;
        var port = LoadersHarness.ClosedPort();

        var run = await _loaders.RunAsync("orders", "post", "--count", "20", "--rate", "1000", "--api-url", $"http://127.0.0.1:{port}", "--progress-interval", "0");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("orders post (stopped early): ", run.OutLines[0], StringComparison.Ordinal);
        Assert.Contains(run.OutLines, l => l.StartsWith($"stopped: Cannot reach the orders API at http://127.0.0.1:{port}: ", StringComparison.Ordinal));
        Assert.Contains("payments: 0 published, 0 failed, 0 cancelled", run.OutLines);
        Assert.DoesNotContain("   at ", run.Out + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_c_ends_the_run_early_and_still_prints_the_summary()
    {
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        _loaders.Http.Respond = async request =>
        {
            if (request.Body.Contains("\"id\":\"x-3\"", StringComparison.Ordinal))
            {
                await interrupt.CancelAsync();
            }

            return FakeHttp.Default(request);
        };

        var run = await _loaders.RunAsync(interrupt.Token, "orders", "post", "--count", "100", "--rate", "1", "--max-in-flight", "1", "--no-payments", "--id-prefix", "x-", "--api-url", Api, "--progress-interval", "0");

        Assert.Equal(130, run.ExitCode);
        Assert.Equal("orders post (interrupted): 3 of 100 orders sent at 1.0/s (target 1/s), done after 2.0 s", run.OutLines[0]);
        Assert.Equal(3, _loaders.Http.Requests.Count);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
