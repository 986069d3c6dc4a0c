using System.Text;
using Dapr.Client;
using DaprOrders.Contracts;
using Microsoft.Extensions.Options;

namespace DaprOrders.Email;

/// <summary>Sends one email; throws when it could not be handed over (the caller then releases its claim).</summary>
internal interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

/// <summary>Through the Dapr SMTP output binding <c>email</c>, operation <c>create</c>.</summary>
internal sealed class DaprEmailSender(DaprClient dapr, IOptions<EmailOptions> options) : IEmailSender
{
    public const string Operation = "create";

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        // Raw bytes: InvokeBindingAsync<T> would JSON-encode the body (quotes and all), and the binding mails its
        // data as it is.
        var request = new BindingRequest(DaprComponents.EmailBinding, Operation)
        {
            Data = Encoding.UTF8.GetBytes(message.HtmlBody),
            Metadata =
            {
                ["emailFrom"] = options.Value.From,
                ["emailTo"] = message.To,
                ["subject"] = message.Subject,
            },
        };
        await dapr.InvokeBindingAsync(request, cancellationToken);
    }
}
