using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using DaprOrders.Contracts;
using DaprOrders.Loaders.Cli;
using static System.FormattableString;

namespace DaprOrders.Loaders.Http;

/// <summary>
/// Sends one JSON request and turns every outcome into a <see cref="CallResult"/>, except an endpoint that
/// cannot be reached at all, which no retry of the same run would fix: that is a <see cref="LoaderException"/>.
/// </summary>
internal static class HttpCalls
{
    public static async Task<CallResult> PostJsonAsync<T>(
        HttpClient http, Uri url, T body, string? daprApiToken, string? bearerToken, string endpointName, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, ContractsJson.Options))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            },
        };
        if (daprApiToken is not null)
        {
            request.Headers.Add("dapr-api-token", daprApiToken);
        }

        if (bearerToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return await SendAsync(
            http,
            request,
            endpointName,
            async response => response.IsSuccessStatusCode ? CallResult.Success : new CallResult(await DescribeFailureAsync(response, cancellationToken)),
            failure => new CallResult(failure),
            cancellationToken);
    }

    /// <summary>
    /// A GET whose answer <paramref name="read"/> interprets (any status); a request that fails on the way gets
    /// <paramref name="failed"/> with the reason.
    /// </summary>
    public static async Task<T> GetAsync<T>(
        HttpClient http, Uri url, string? bearerToken, string endpointName,
        Func<HttpResponseMessage, Task<T>> read, Func<string, T> failed, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (bearerToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return await SendAsync(http, request, endpointName, read, failed, cancellationToken);
    }

    private static async Task<T> SendAsync<T>(
        HttpClient http, HttpRequestMessage request, string endpointName,
        Func<HttpResponseMessage, Task<T>> read, Func<string, T> failed, CancellationToken cancellationToken)
    {
        var url = request.RequestUri!;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return await read(response);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError)
        {
            throw new LoaderException($"Cannot reach {endpointName} at {url.GetLeftPart(UriPartial.Authority)}: {e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            return failed($"{endpointName}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return failed(Invariant($"no answer from {endpointName} within {http.Timeout.TotalSeconds:0.#} s"));
        }
    }

    /// <summary>
    /// "409 Conflict: Another order with this id exists." from a problem details body, "403 Forbidden:
    /// ERR_PUBSUB_FORBIDDEN ..." from a Dapr error body, or just the status.
    /// </summary>
    public static async Task<string> DescribeFailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = Invariant($"{(int)response.StatusCode} {ReasonPhrase(response)}");
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return status;
            }

            var parts = new List<string>();
            foreach (var field in new[] { "errorCode", "message", "title" })
            {
                if (json.RootElement.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    parts.Add(value.GetString()!);
                }
            }

            if (json.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                parts.AddRange(errors.EnumerateObject().Select(e => $"{e.Name}: {string.Join(" ", e.Value.EnumerateArray().Select(m => m.GetString()))}"));
            }

            return parts.Count == 0 ? status : $"{status}: {string.Join(" ", parts)}";
        }
        catch (JsonException)
        {
            return status;
        }
    }

    private static string ReasonPhrase(HttpResponseMessage response) =>
        response.ReasonPhrase is { Length: > 0 } phrase ? phrase
            : Enum.IsDefined(response.StatusCode) ? response.StatusCode.ToString() : nameof(HttpStatusCode);
}
