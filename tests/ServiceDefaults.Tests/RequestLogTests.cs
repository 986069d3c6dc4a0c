using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprOrders.ServiceDefaults.Tests;

public sealed class RequestLogTests
{
    private const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private static ILogger RequestLogger(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        return builder.Build().Services.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLogCategory);
    }

    [Fact]
    public void Requests_are_not_logged_at_the_default_level()
    {
        var logger = RequestLogger(new() { ["Logging:LogLevel:Default"] = "Information" });

        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public void One_setting_turns_request_logs_on()
    {
        var logger = RequestLogger(new() { ["Logging:LogLevel:Default"] = "Information", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information" });

        Assert.True(logger.IsEnabled(LogLevel.Information));
    }
}
