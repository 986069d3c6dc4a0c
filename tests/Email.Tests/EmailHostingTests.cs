using DaprOrders.Contracts;
using DaprOrders.TestDoubles;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DaprOrders.Email.Tests;

public sealed class EmailHostingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Email:From", "not an address")]
    [InlineData("Email:From", "")]
    [InlineData("Email:WaitingTimeout", "00:00:00")]
    [InlineData("Email:SentRetention", "00:00:30")]
    [InlineData("Email:SweepInterval", "02:00:00")]
    [InlineData("Email:MaxOrdersAwaitingCustomer", "0")]
    public async Task Invalid_configuration_stops_the_start(string key, string value)
    {
        // The host runs the same validator at start; asked directly, nothing races the factory's host disposal.
        await using var app = BuildWith(key, value);

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(key.Split(':')[1], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_configuration_passes_and_is_bound()
    {
        await using var app = BuildWith("Email:From", "shop@example.com");

        app.Services.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal("shop@example.com", app.Services.GetRequiredService<IOptions<EmailOptions>>().Value.From);
    }

    private static WebApplication BuildWith(string key, string value)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(key, value)]);
        builder.AddEmail();
        return builder.Build();
    }

    [Fact]
    public async Task The_background_sweep_warns_about_an_order_past_its_deadline()
    {
        await using var app = new EmailApplication();
        app.Settings["Email:SweepInterval"] = "00:00:01";
        using var client = app.CreateClient();
        var order = new Order($"o-{Guid.NewGuid():N}", "c-nobody", OrderState.Validated, Product.Jumpers, 1, 10m);
        using var delivered = await client.PostAsync($"/events/{Topics.Orders}", CloudEvents.Wrap(order, Topics.Orders), Cancel);
        delivered.EnsureSuccessStatusCode();

        app.Clock.Advance(EmailApplication.WaitingTimeout);

        // The sweep ticks every real second; the test clock says the deadline has passed.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var warning = await app.Logs.NextWarningAsync(order.Id, timeout.Token);
        Assert.Contains("its payment", warning, StringComparison.Ordinal);
        Assert.Null(app.Store.Peek<OrderJoin>(OrderEmailJoin.JoinKey(order.Id)));
    }
}
