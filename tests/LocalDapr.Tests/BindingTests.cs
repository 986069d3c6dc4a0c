using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MimeKit;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// `bindings.smtp` writes each mail as an .eml file in the runtime's mail folder.
/// </summary>
public sealed class BindingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task App_sending_mail_through_the_sdk_writes_an_eml()
    {
        await using var runtime = await TestRuntime.StartAsync(("mail.yaml", TestRuntime.MailYaml), ("state.yaml", TestRuntime.StateStoreYaml));
        using var app = await runtime.StartTestAppAsync("mailer");

        using var sent = await app.Http.PostAsJsonAsync("test/bindings/email/mail", new { body = "<p>Order shipped</p>", subject = "Your order", to = "customer@example.test" }, Ct);

        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        var mail = await MimeMessage.LoadAsync(Directory.GetFiles(runtime.MailFolder, "*.eml").Single(), Ct);
        Assert.Equal("Your order", mail.Subject);
        Assert.Equal("customer@example.test", mail.To.Mailboxes.Single().Address);
        Assert.Equal("orders@daprorders.test", mail.From.Mailboxes.Single().Address);
        Assert.Contains("<p>Order shipped</p>", mail.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_binding_call_uses_request_metadata_over_component_defaults()
    {
        await using var runtime = await TestRuntime.StartAsync(("mail.yaml", TestRuntime.MailYaml));
        using var http = TestRuntime.SidecarHttp(await runtime.StartSidecarAsync("mailer"));

        using var sent = await http.PostAsync(new Uri("v1.0/bindings/email", UriKind.Relative), Json("""
            {"operation":"create","data":"Hello","metadata":{"emailTo":"a@example.test;b@example.test","emailCC":"c@example.test","emailFrom":"ops@example.test","subject":"Hi","priority":"1"}}
            """), Ct);

        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        var mail = await MimeMessage.LoadAsync(Directory.GetFiles(runtime.MailFolder, "*.eml").Single(), Ct);
        Assert.Equal(["a@example.test", "b@example.test"], mail.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("c@example.test", mail.Cc.Mailboxes.Single().Address);
        Assert.Equal("ops@example.test", mail.From.Mailboxes.Single().Address);
        Assert.Equal("1", mail.Headers["X-Priority"]);
        Assert.Contains("Hello", mail.HtmlBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nope", """{"operation":"create","data":"x","metadata":{"emailTo":"a@example.test"}}""")]
    [InlineData("email", """{"operation":"delete","data":"x","metadata":{"emailTo":"a@example.test"}}""")]
    [InlineData("email", """{"operation":"create","data":"x"}""")]
    public async Task Failed_binding_call_is_500_and_writes_nothing(string binding, string body)
    {
        await using var runtime = await TestRuntime.StartAsync(("mail.yaml", TestRuntime.MailYaml));
        using var http = TestRuntime.SidecarHttp(await runtime.StartSidecarAsync("mailer"));

        using var response = await http.PostAsync(new Uri($"v1.0/bindings/{binding}", UriKind.Relative), Json(body), Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("ERR_INVOKE_OUTPUT_BINDING", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errorCode").GetString());
        Assert.False(Directory.Exists(runtime.MailFolder) && Directory.GetFiles(runtime.MailFolder).Length > 0);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
