using DaprOrders.ServiceDefaults;
using DaprOrders.ServiceDefaults.Actors;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DaprOrders.Fraud;

internal static class FraudServiceExtensions
{
    public static WebApplicationBuilder AddFraud(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<FraudOptions>(FraudOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddJsonActors(actors => actors.RegisterActor<CustomerSpendActor>(CustomerSpendActor.TypeName));
        services.AddSingleton<IFraudCheck, ActorFraudCheck>();
        return builder;
    }
}
