using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DaprOrders.ServiceDefaults;

public static class OptionsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> (a sealed class with defaults and DataAnnotations) to
    /// <paramref name="section"/> and fails at start-up, not at first use, when the values are invalid.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, string section)
        where TOptions : class =>
        services.AddOptions<TOptions>()
            .BindConfiguration(section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
}
