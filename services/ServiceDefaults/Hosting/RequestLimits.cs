using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace DaprOrders.ServiceDefaults.Hosting;

/// <summary>
/// The request limits every service runs with, chosen rather than inherited (docs/reliability.md lists them with
/// why). Each one can still be changed with the standard Kestrel keys (<c>Kestrel:Limits:MaxRequestBodySize</c>,
/// <c>Kestrel__Limits__MaxRequestBodySize</c>), which win over these values.
/// </summary>
public static class RequestLimits
{
    /// <summary>
    /// Largest request body: our messages are well under a kilobyte; this leaves room for a bulk delivery of a few
    /// hundred of them and stays below the sidecar's own 4 MB default (daprd's <c>--max-body-size</c>). Kestrel's
    /// default is 30 MB. Bigger bodies get 413.
    /// </summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Headers in all, cookies and bearer tokens included (Kestrel's default). Beyond it Kestrel answers 431.</summary>
    public const int MaxRequestHeadersTotalBytes = 32 * 1024;

    /// <summary>How many headers one request may have (Kestrel's default). Beyond it Kestrel answers 431.</summary>
    public const int MaxRequestHeaderCount = 100;

    /// <summary>Request line (method, path and query). Our URLs are short; beyond it Kestrel answers 414.</summary>
    public const int MaxRequestLineBytes = 8 * 1024;

    /// <summary>
    /// A client gets this long to send its headers (Kestrel's default is 30 s): a slow sender cannot hold a connection
    /// for long without ever making a request.
    /// </summary>
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Open connections at once (Kestrel's default is unlimited). Above the orders service's held long polls
    /// (<c>Orders:MaxWaiting</c>, 10,000 by default) with room for everything else; a connection beyond it is closed
    /// as it arrives.
    /// </summary>
    public const long MaxConcurrentConnections = 20_000;

    internal static void UseDeliberateRequestLimits(this WebApplicationBuilder builder) =>
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var limits = kestrel.Limits;
            limits.MaxRequestBodySize = MaxRequestBodyBytes;
            limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalBytes;
            limits.MaxRequestHeaderCount = MaxRequestHeaderCount;
            limits.MaxRequestLineSize = MaxRequestLineBytes;
            limits.RequestHeadersTimeout = RequestHeadersTimeout;
            limits.MaxConcurrentConnections = MaxConcurrentConnections;
            // This runs after the host bound the "Kestrel" section, so bind its limits again: configuration wins.
            context.Configuration.GetSection("Kestrel:Limits").Bind(limits);
        });
}
