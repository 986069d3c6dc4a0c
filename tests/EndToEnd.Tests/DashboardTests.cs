using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using DaprOrders.Contracts;
using Microsoft.Playwright;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>
/// The dashboard `localdapr run --dashboard` starts shows an order's trace: Debian's headless Chromium, driven by
/// Playwright (which never downloads a browser here), opens the trace on the dashboard's page.
/// </summary>
[Collection(SharedEmailSystem.Name)]
public sealed class DashboardTests(EmailSystemFixture fixture)
{
    /// <summary>Debian's Chromium; CHROMIUM_PATH overrides it, as for the grid's browser tests.</summary>
    private static readonly string ChromiumPath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OrderSystem System => fixture.System;

    [Fact]
    public async Task The_dashboard_shows_an_orders_trace_with_the_spans_of_the_services_and_the_runtime()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium is not installed at {ChromiumPath} (apt-get install -y chromium; .ci/run installs it).");
        await System.SetStockAsync(Product.Jumpers, 1_000_000, Ct);
        var order = new Order(TestIds.New("order"), TestIds.New("customer"), OrderState.Created, Product.Jumpers, 1, 10m);
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using (var post = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/orders", UriKind.Relative)) { Content = JsonContent.Create(order, options: ContractsJson.Options) })
        {
            post.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var created = await System.Orders.SendAsync(post, Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        Assert.Equal(OrderState.Validated, (await System.Orders.GetDecidedOrderAsync(order.Id, Ct)).State);
        // The receiver has passed a span on to the dashboard before it counts it received.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(OrderSystem.Timeout);
        await fixture.Telemetry.WaitForSpansAsync(spans => spans.Any(s => s.TraceId == traceId && s.Name == "orchestration||OrderValidationWorkflow"), timeout.Token);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            Timeout = 60_000,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        // Generous: the page is rendered by the dashboard's server over a WebSocket, on two busy cores.
        page.SetDefaultTimeout(60_000);

        // The trace, by the id the client gave it, with every service in it.
        await page.GotoAsync(new Uri(fixture.Dashboard.Url, $"traces/detail/{traceId}").ToString());
        await page.GetByText("orchestration||OrderValidationWorkflow").First.WaitForAsync();
        foreach (var service in new[] { AppIds.Orders, AppIds.OrderDetails, AppIds.Fraud, AppIds.Inventory, AppIds.Email, "localdapr" })
        {
            await page.GetByText(service, new PageGetByTextOptions { Exact = true }).First.WaitForAsync();
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "e2e-logs", $"dashboard-{order.Id}.png"), FullPage = true });
    }
}
