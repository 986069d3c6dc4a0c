using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace DaprOrders.ServiceDefaults.Tests;

public sealed class AppPortTests
{
    // Explicit empty values shield the tests from ASPNETCORE_* variables of whoever runs them.
    private static WebApplicationBuilder Builder(Dictionary<string, string?> settings, params string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        var values = new Dictionary<string, string?> { ["http_ports"] = "", ["https_ports"] = "" };
        if (args.Length == 0)
        {
            values["urls"] = "";
        }

        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        return builder;
    }

    private static string? Urls(WebApplicationBuilder builder) => builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);

    [Fact]
    public void The_app_listens_on_APP_PORT_when_nothing_else_is_configured()
    {
        var builder = Builder(new() { ["APP_PORT"] = "6123" });

        builder.AddServiceDefaults();

        Assert.Equal("http://*:6123", Urls(builder));
    }

    [Fact]
    public void Explicit_urls_win_over_APP_PORT()
    {
        var builder = Builder(new() { ["APP_PORT"] = "6123" }, "--urls", "http://127.0.0.1:6200");

        builder.AddServiceDefaults();

        Assert.Equal("http://127.0.0.1:6200", Urls(builder));
    }

    [Fact]
    public void Http_ports_win_over_APP_PORT()
    {
        var builder = Builder(new() { ["APP_PORT"] = "6123", ["http_ports"] = "6300" });

        builder.AddServiceDefaults();

        Assert.NotEqual("http://*:6123", Urls(builder));
    }

    [Fact]
    public void Without_APP_PORT_the_host_defaults_stay()
    {
        var builder = Builder(new() { ["APP_PORT"] = "" });

        builder.AddServiceDefaults();

        Assert.True(string.IsNullOrEmpty(Urls(builder)));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("70000")]
    [InlineData("-1")]
    public void An_APP_PORT_that_is_not_a_port_stops_the_start(string value)
    {
        var builder = Builder(new() { ["APP_PORT"] = value });

        Assert.Throws<InvalidOperationException>(() => builder.AddServiceDefaults());
    }
}
