using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using DaprOrders.LocalDapr.Sidecars;

namespace DaprOrders.LocalDapr.PubSub;

/// <summary>
/// What the app's answer to a delivered event means (daprd postman/http/http.go, components-contrib responses.go).
/// </summary>
public enum DeliveryStatus
{
    /// <summary>
    /// Acknowledge: commit the offset.
    /// </summary>
    Success,

    /// <summary>
    /// A retriable failure: the resiliency policy, then the dead-letter topic or pubsub.kafka's consume retry.
    /// </summary>
    Retry,

    /// <summary>
    /// Not retriable: dropped (to the dead-letter topic if the subscription has one).
    /// </summary>
    Drop,
}

public sealed record DeliveryResult(DeliveryStatus Status, string Detail);

/// <summary>
/// Posts one event to the app as daprd does: `POST /{route}`, `Content-Type: application/cloudevents+json`, the
/// envelope bytes as body, every message metadata entry (pubsubName, Kafka `__key`... and record headers) as a
/// header, trace headers, and `dapr-api-token` through the app channel.
/// </summary>
public static class AppDelivery
{
    public const string CloudEventsContentType = "application/cloudevents+json";

    public static async Task<DeliveryResult> PostAsync(
        AppChannel app, string route, byte[] body, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/" + route.TrimStart('/'), UriKind.Relative))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(CloudEventsContentType);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        HttpResponseMessage response;
        try
        {
            response = await app.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return new DeliveryResult(DeliveryStatus.Retry, $"app unreachable: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResult(DeliveryStatus.Retry, "app did not answer in time");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return Classify(response.StatusCode, text);
        }
    }

    /// <summary>
    /// 2xx: `{"status":...}` decides (empty or undecodable body = SUCCESS; unknown status, case-sensitive, = retry);
    /// 404: dropped; any other status: retry.
    /// </summary>
    public static DeliveryResult Classify(HttpStatusCode status, string body)
    {
        var code = (int)status;
        if (code == 404)
        {
            return new DeliveryResult(DeliveryStatus.Drop, "the app answered 404 (non-retriable)");
        }

        if (code is < 200 or > 299)
        {
            return new DeliveryResult(DeliveryStatus.Retry, $"the app answered {code}");
        }

        string? appStatus = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            // Go's JSON decoder matches field names case-insensitively.
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                appStatus = json.RootElement.EnumerateObject()
                    .Where(p => string.Equals(p.Name, "status", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String)
                    .Select(p => p.Value.GetString())
                    .FirstOrDefault();
            }
        }
        catch (JsonException)
        {
        }

        return appStatus switch
        {
            null or "" or "SUCCESS" => new DeliveryResult(DeliveryStatus.Success, "ok"),
            "RETRY" => new DeliveryResult(DeliveryStatus.Retry, "the app answered RETRY"),
            "DROP" => new DeliveryResult(DeliveryStatus.Drop, "the app answered DROP"),
            _ => new DeliveryResult(DeliveryStatus.Retry, $"unknown status '{appStatus}' from the app"),
        };
    }
}
