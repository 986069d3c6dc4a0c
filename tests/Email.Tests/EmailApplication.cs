using DaprOrders.ServiceDefaults.Publishing;
using DaprOrders.ServiceDefaults.State;
using DaprOrders.TestDoubles;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprOrders.Email.Tests;

/// <summary>
/// The email service in memory: an in-memory state store with real ETag and TTL semantics on a manual clock, a
/// recording publisher and email sender, and recorded warnings. Production environment. The background sweep is
/// slowed to once an hour of real time, so tests sweep when they choose (<see cref="ExpireDueAsync"/>).
/// </summary>
internal sealed class EmailApplication : WebApplicationFactory<Program>
{
    public static readonly TimeSpan WaitingTimeout = TimeSpan.FromMinutes(10);

    public TestClock Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    public InMemoryStateStore Store { get; }

    public RecordingEventPublisher Publisher { get; } = new();

    public RecordingEmailSender Email { get; } = new();

    public RecordingLoggerProvider Logs { get; } = new();

    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Email:WaitingTimeout"] = WaitingTimeout.ToString(),
        ["Email:SweepInterval"] = "01:00:00",
    };

    public EmailApplication() => Store = new InMemoryStateStore { Time = Clock };

    public Task<int> ExpireDueAsync() =>
        Services.GetRequiredService<OrderEmailJoin>().ExpireDueAsync(TestContext.Current.CancellationToken);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IStateStore>(Store);
            services.AddSingleton<IEventPublisher>(Publisher);
            services.AddSingleton<IEmailSender>(Email);
            services.AddSingleton<TimeProvider>(Clock);
        });
    }
}
