using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace DaprOrders.ServiceDefaults.Hosting;

internal static class AppPortBinding
{
    /// <summary>
    /// Listens on APP_PORT, the port the dapr CLI and the local runtime tell the sidecar to call, unless the
    /// host is told explicitly where to listen (ASPNETCORE_URLS, --urls, ASPNETCORE_HTTP_PORTS, Kestrel endpoints).
    /// </summary>
    public static void ListenOnAppPortUnlessUrlsConfigured(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var explicitlyConfigured =
            !string.IsNullOrEmpty(configuration["urls"])
            || !string.IsNullOrEmpty(configuration["http_ports"])
            || !string.IsNullOrEmpty(configuration["https_ports"])
            || configuration.GetSection("Kestrel:Endpoints").Exists();
        var appPort = configuration["APP_PORT"];
        if (explicitlyConfigured || string.IsNullOrEmpty(appPort))
        {
            return;
        }

        if (!int.TryParse(appPort, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new InvalidOperationException($"APP_PORT must be a TCP port number, not '{appPort}'.");
        }

        // All interfaces: the sidecar calls on localhost, but kubelet probes come through the pod IP.
        builder.WebHost.UseUrls($"http://*:{port}");
    }
}
