using System.Globalization;
using DaprOrders.LocalDapr.Components;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace DaprOrders.LocalDapr.Bindings;

/// <summary>
/// `bindings.smtp` (components-contrib bindings/smtp): operation `create` sends the request data as an HTML mail;
/// request metadata `emailTo`, `emailFrom`, `emailCC`, `emailBCC`, `subject`, `priority` override the component's.
/// Locally each mail is written as an `.eml` file (default) or delivered to the component's `host`/`port`.
/// </summary>
public sealed class SmtpBinding(ComponentDefinition component, string mailFolder, bool deliverOverSmtp, ILogger logger)
{
    public ComponentDefinition Component { get; } = component;

    /// <summary>
    /// Returns the path of the `.eml` written, or null when delivered over SMTP.
    /// </summary>
    public async Task<string?> SendAsync(ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var message = Build(data, metadata);
        if (deliverOverSmtp)
        {
            await DeliverAsync(message, cancellationToken);
            logger.LogInformation("Binding {Binding}: mail {Subject} to {To} delivered to {Host}",
                Component.Name, message.Subject, message.To.ToString(), Component.GetMetadata("host"));
            return null;
        }

        Directory.CreateDirectory(mailFolder);
        var path = Path.Combine(mailFolder, $"{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}-{Guid.NewGuid():N}.eml");
        await message.WriteToAsync(path, cancellationToken);
        logger.LogInformation("Binding {Binding}: mail {Subject} to {To} written to {Path}", Component.Name, message.Subject, message.To.ToString(), path);
        return path;
    }

    private MimeMessage Build(ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata)
    {
        string? Field(string name) =>
            metadata.TryGetValue(name, out var value) && value.Length > 0 ? value : Component.GetMetadata(name) is { Length: > 0 } d ? d : null;

        var from = Field("emailFrom") ?? throw new BindingException("smtp binding error: emailFrom property not supplied in configuration- or request-metadata");
        var to = Field("emailTo") ?? throw new BindingException("smtp binding error: emailTo property not supplied in configuration- or request-metadata");
        var message = new MimeMessage { Subject = Field("subject") ?? "" };
        message.From.AddRange(ParseList(from, "emailFrom"));
        message.To.AddRange(ParseList(to, "emailTo"));
        if (Field("emailCC") is { } cc)
        {
            message.Cc.AddRange(ParseList(cc, "emailCC"));
        }

        if (Field("emailBCC") is { } bcc)
        {
            message.Bcc.AddRange(ParseList(bcc, "emailBCC"));
        }

        if (Field("priority") is { } priority)
        {
            // 1 (highest) .. 5 (lowest), as the component's X-Priority header.
            if (!int.TryParse(priority, NumberStyles.Integer, CultureInfo.InvariantCulture, out var level) || level is < 1 or > 5)
            {
                throw new BindingException($"smtp binding error: priority '{priority}' must be 1..5");
            }

            message.Headers["X-Priority"] = level.ToString(CultureInfo.InvariantCulture);
        }

        message.Body = new TextPart("html") { Text = System.Text.Encoding.UTF8.GetString(data.Span) };
        return message;
    }

    private static InternetAddressList ParseList(string value, string field)
    {
        try
        {
            return InternetAddressList.Parse(value.Replace(';', ','));
        }
        catch (ParseException e)
        {
            throw new BindingException($"smtp binding error: {field} '{value}' is not a list of addresses: {e.Message}");
        }
    }

    private async Task DeliverAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var host = Component.GetMetadata("host") ?? throw new BindingException("smtp binding error: host not configured");
        var port = int.Parse(Component.GetMetadata("port") ?? "25", CultureInfo.InvariantCulture);
        using var client = new SmtpClient();
        if (string.Equals(Component.GetMetadata("skipTLSVerify"), "true", StringComparison.OrdinalIgnoreCase))
        {
            // The component asks for it (`skipTLSVerify: "true"`), as daprd's smtp binding allows for local catchers.
#pragma warning disable CA5359
            client.ServerCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        await client.ConnectAsync(host, port, SecureSocketOptions.Auto, cancellationToken);
        if (Component.GetMetadata("user") is { Length: > 0 } user)
        {
            await client.AuthenticateAsync(user, Component.GetMetadata("password") ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }
}

public sealed class BindingException(string message) : Exception(message);
