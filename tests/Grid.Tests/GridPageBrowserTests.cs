using System.Text.RegularExpressions;
using DaprOrders.Contracts;
using Microsoft.Playwright;

namespace DaprOrders.Grid.Tests;

/// <summary>The page in headless Chromium over the real service with 100,000 orders.</summary>
public sealed class GridPageBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const int RowHeight = 28; // grid.js ROW_HEIGHT

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string RowOf(string orderId) => $"#rows .row[data-order-id='{orderId}']";

    private static async Task<string[]> CellsAsync(IPage page, string orderId) =>
        [.. await page.Locator($"{RowOf(orderId)} > span").AllInnerTextsAsync()];

    private static async Task ScrollToAsync(IPage page, int top) =>
        await page.Locator("#viewport").EvaluateAsync("(viewport, top) => { viewport.scrollTop = top; }", top);

    [Fact]
    public async Task The_first_rows_render_with_their_customer_and_only_rows_in_view_exist()
    {
        var page = await fixture.OpenGridAsync();

        await page.WaitForSelectorAsync(RowOf(BrowserFixture.OrderIdAt(0)));

        var cells = await CellsAsync(page, BrowserFixture.OrderIdAt(0));
        Assert.Equal(["1", "o-000000", "Ada Customer0", "gold", "JUMPERS", "1", "10.00", "CREATED", ""], cells);
        Assert.Contains("100,0", await page.InnerTextAsync("#total"), StringComparison.Ordinal);
        var rendered = await page.Locator("#rows .row").CountAsync();
        Assert.InRange(rendered, 10, 100);
    }

    [Fact]
    public async Task Scrolling_far_down_shows_the_rows_at_that_position()
    {
        var page = await fixture.OpenGridAsync();
        await page.WaitForSelectorAsync(RowOf(BrowserFixture.OrderIdAt(0)));

        // A wheel scroll as a person does, then a jump as when dragging the scroll bar.
        await page.Locator("#viewport").HoverAsync();
        await page.Mouse.WheelAsync(0, 40 * RowHeight);
        await page.WaitForSelectorAsync(RowOf(BrowserFixture.OrderIdAt(45)));
        await ScrollToAsync(page, 73_210 * RowHeight);

        await page.WaitForSelectorAsync(RowOf(BrowserFixture.OrderIdAt(73_210)));
        var position = await page.GetAttributeAsync(RowOf(BrowserFixture.OrderIdAt(73_215)), "data-position");
        Assert.Equal("73215", position);
        Assert.Equal("Ada Customer15", (await CellsAsync(page, BrowserFixture.OrderIdAt(73_215)))[2]);
        Assert.Equal(0, await page.Locator(RowOf(BrowserFixture.OrderIdAt(0))).CountAsync());
        Assert.InRange(await page.Locator("#rows .row").CountAsync(), 10, 100);
    }

    [Fact]
    public async Task A_new_order_and_a_payment_appear_without_a_reload()
    {
        var page = await fixture.OpenGridAsync();
        await page.EvaluateAsync("() => { window.loadedOnce = true; }");
        await page.WaitForSelectorAsync("body[data-live='true']");
        // Rows shown: the page knows the total, so the spacer is as tall as all rows and there is a bottom to go to.
        await page.WaitForSelectorAsync(RowOf(BrowserFixture.OrderIdAt(0)));
        await ScrollToAsync(page, int.MaxValue / 2); // to the bottom: the grid follows new rows there
        var lastSeeded = BrowserFixture.OrderIdAt(BrowserFixture.SeededOrders - 1);
        await page.WaitForSelectorAsync(RowOf(lastSeeded));
        var newOrder = new Order($"o-new-{Guid.NewGuid():N}"[..20], "c-7", OrderState.Created, Product.Stockings, 3, 45m);

        await fixture.DeliverAsync(Topics.Orders, newOrder, Cancel);
        await page.WaitForSelectorAsync(RowOf(newOrder.Id));
        await fixture.DeliverAsync(Topics.Payments, new Payment("p-new", newOrder.Id, "EUR", 45m), Cancel);
        await fixture.DeliverAsync(Topics.Orders, newOrder with { State = OrderState.Validated }, Cancel);
        await page.WaitForSelectorAsync($"{RowOf(newOrder.Id)} .state-VALIDATED");
        await page.WaitForSelectorAsync($"{RowOf(newOrder.Id)} .payment:has-text('45.00 EUR')");

        var cells = await CellsAsync(page, newOrder.Id);
        Assert.Equal(["STOCKINGS", "3", "45.00", "VALIDATED", "45.00 EUR"], cells[4..]);
        Assert.Equal("Ada Customer7", cells[2]);
        Assert.True(await page.EvaluateAsync<bool>("() => window.loadedOnce === true"), "the page was reloaded");
        Assert.True(int.Parse(cells[0], System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture) > BrowserFixture.SeededOrders);
    }

    [Fact]
    public async Task A_customer_change_shows_on_the_rows_in_view_without_a_reload()
    {
        var page = await fixture.OpenGridAsync();
        await page.WaitForSelectorAsync("body[data-live='true']");
        var orderOfCustomer1 = BrowserFixture.OrderIdAt(1); // seeded orders cycle through c-0 … c-99
        await page.WaitForSelectorAsync(RowOf(orderOfCustomer1));

        await fixture.DeliverAsync(Topics.Customers, TestOrders.Customer("c-1", "platinum", lastName: "Renamed"), Cancel);

        await page.WaitForSelectorAsync($"{RowOf(orderOfCustomer1)} .level:has-text('platinum')");
        Assert.Equal("Ada Renamed", (await CellsAsync(page, orderOfCustomer1))[2]);
    }

    public static TheoryData<string> ChangesOfARowInView() => ["customer", "payment"];

    /// <summary>
    /// The page asks for its first rows again when the stream opens. Should the server read them before a change
    /// whose event then comes first, that older answer must not take back what the event showed.
    /// </summary>
    [Theory]
    [MemberData(nameof(ChangesOfARowInView))]
    public async Task A_page_of_rows_read_before_a_change_does_not_undo_it(string change)
    {
        // Rows no other test changes: c-3's orders and o-000005.
        var (orderId, topic, message, shown, column, expected) = change == "customer"
            ? (BrowserFixture.OrderIdAt(3), Topics.Customers, (object)TestOrders.Customer("c-3", "platinum", lastName: "Changed"),
                ".level:has-text('platinum')", 2, "Ada Changed")
            : (BrowserFixture.OrderIdAt(5), Topics.Payments, TestOrders.PaymentFor(BrowserFixture.OrderIdAt(5)),
                ".payment:has-text('20.00 EUR')", 8, "20.00 EUR");
        var firstRowsShown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var readBeforeTheChange = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var changeShown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstPageFetches = 0;
        var page = await fixture.OpenGridAsync(async page =>
        {
            // The stream opens once the first rows are shown, so that its reset asks for them again.
            await page.RouteAsync(new Regex("/api/orders/stream$"), async route =>
            {
                await firstRowsShown.Task;
                await route.ContinueAsync();
            });
            await page.RouteAsync(new Regex(@"/api/orders\?offset=0&"), async route =>
            {
                if (Interlocked.Increment(ref firstPageFetches) != 2)
                {
                    await route.ContinueAsync();
                    return;
                }

                // The server reads the rows now, before the change; the page gets them after the change's event.
                var answer = await route.FetchAsync();
                readBeforeTheChange.SetResult();
                await changeShown.Task;
                await route.FulfillAsync(new RouteFulfillOptions { Response = answer });
            });
        });
        await page.WaitForSelectorAsync(RowOf(orderId));
        firstRowsShown.SetResult();
        await readBeforeTheChange.Task.WaitAsync(TimeSpan.FromSeconds(60), Cancel);

        await fixture.DeliverAsync(topic, message, Cancel);
        await page.WaitForSelectorAsync($"{RowOf(orderId)} {shown}");
        changeShown.SetResult();
        await page.WaitForSelectorAsync("#rows[aria-busy='false']", new() { State = WaitForSelectorState.Attached });

        Assert.Equal(2, firstPageFetches);
        Assert.Equal(expected, (await CellsAsync(page, orderId))[column]);
    }
}
