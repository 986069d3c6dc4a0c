using DaprOrders.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DaprOrders.Email;

internal static class EmailServiceExtensions
{
    public static WebApplicationBuilder AddEmail(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<EmailOptions>(EmailOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IEmailSender, DaprEmailSender>();
        services.AddSingleton<ExpiryWatch>();
        services.AddSingleton<OrderEmailJoin>();
        services.AddHostedService<ExpirySweeper>();
        return builder;
    }
}
