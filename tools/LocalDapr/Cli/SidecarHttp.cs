using DaprOrders.LocalDapr.Runs;

namespace DaprOrders.LocalDapr.Cli;

/// <summary>
/// HTTP to an app instance's sidecar, as the dapr CLI calls daprd's HTTP port on 127.0.0.1; with the caller's
/// `DAPR_API_TOKEN` as `dapr-api-token`, so a run started with an API token can be called at all (the dapr CLI
/// sends none).
/// </summary>
public static class SidecarHttp
{
    /// <summary>
    /// A client for <paramref name="app"/>'s sidecar, without a timeout: Ctrl-C ends a long call, as with the dapr CLI.
    /// </summary>
    public static HttpClient For(RunAppRecord app)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{app.HttpPort}/"), Timeout = Timeout.InfiniteTimeSpan };
        if (Environment.GetEnvironmentVariable("DAPR_API_TOKEN") is { Length: > 0 } token)
        {
            http.DefaultRequestHeaders.Add("dapr-api-token", token);
        }

        return http;
    }

    /// <summary>
    /// The status as `404 Not Found`, the way the dapr CLI shows an error answer, plus what the body says on one
    /// line (daprd's `errorCode` and `message`, or the app's own answer), shortened to keep the line readable.
    /// </summary>
    public static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        const int longest = 400;
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        var body = string.Join(' ', (await response.Content.ReadAsStringAsync(cancellationToken))
            .Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (body.Length == 0)
        {
            return status;
        }

        return $"{status}: {(body.Length > longest ? body[..longest] + "..." : body)}";
    }
}
