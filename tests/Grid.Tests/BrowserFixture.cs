using Microsoft.Playwright;

namespace DaprOrders.Grid.Tests;

/// <summary>
/// The real grid service on Kestrel (loopback, free port) with 100,000 orders, and Debian's headless Chromium driven
/// by Playwright. Playwright never downloads a browser here: it starts /usr/bin/chromium through the node driver
/// that the Microsoft.Playwright package copies to .playwright/ in the build output.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium; CHROMIUM_PATH overrides it (another distribution's path, or a check of the failure).</summary>
    public static string ChromiumPath { get; } = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public const int SeededOrders = 100_000;

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly GridApplication _app = new();
    private IPlaywright? _playwright;

    public Uri Address { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public static string OrderIdAt(int position) => $"o-{position:D6}";

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            // Fail, never skip: a green run without the browser test would hide that the page was not tested.
            throw new InvalidOperationException(
                $"Chromium is not installed at {ChromiumPath}: the browser tests need Debian's chromium " +
                "(apt-get install -y chromium; .ci/run installs it).");
        }

        Address = _app.StartOnLoopback();
        var cancel = TestContext.Current.CancellationToken;
        await _app.View.ApplyAsync(TestOrders.Numbered("o", SeededOrders), cancel);
        for (var i = 0; i < 100; i++)
        {
            await _app.View.ApplyAsync(TestOrders.Customer($"c-{i}", i % 2 == 0 ? "gold" : "silver", lastName: $"Customer{i}"), cancel);
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
    }

    /// <summary>A new browser page on the grid.</summary>
    /// <param name="beforeLoading">Runs on the new page before it loads the grid, e.g. to route its requests.</param>
    public async Task<IPage> OpenGridAsync(Func<IPage, Task>? beforeLoading = null)
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        // Generous: the whole suite shares two cores; normally each wait ends within a second.
        page.SetDefaultTimeout(60_000);
        if (beforeLoading is not null)
        {
            await beforeLoading(page);
        }

        await page.GotoAsync(Address.ToString());
        return page;
    }

    /// <summary>Delivers an event the way the sidecar does: a CloudEvent POSTed to the subscription route.</summary>
    public async Task DeliverAsync<T>(string topic, T message, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = Address };
        var response = await client.PostAsync($"/events/{topic}", TestDoubles.CloudEvents.Wrap(message, topic), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.DisposeAsync();
            _playwright.Dispose();
        }

        await _app.DisposeAsync();
    }
}
