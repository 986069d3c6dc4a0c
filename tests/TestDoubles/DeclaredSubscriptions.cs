using System.Net.Http.Json;
using System.Text.Json;

namespace DaprOrders.TestDoubles;

/// <summary>One entry of an app's <c>GET /dapr/subscribe</c> answer, as daprd reads it.</summary>
public sealed record DeclaredSubscription(string? PubsubName, string? Topic, string? Route, string? DeadLetterTopic);

/// <summary>Reads what an app declares to the sidecar, so a test can compare it with what it expects.</summary>
public static class DeclaredSubscriptions
{
    /// <summary>The app's subscriptions, ordered by pub/sub component, then topic.</summary>
    public static async Task<IReadOnlyList<DeclaredSubscription>> ReadAsync(HttpClient app, CancellationToken cancellationToken)
    {
        var entries = await app.GetFromJsonAsync<JsonElement[]>("/dapr/subscribe", cancellationToken) ?? [];
        return
        [
            .. entries
                .Select(e => new DeclaredSubscription(Text(e, "pubsubName"), Text(e, "topic"), Text(e, "route"), Text(e, "deadLetterTopic")))
                .OrderBy(s => s.PubsubName, StringComparer.Ordinal)
                .ThenBy(s => s.Topic, StringComparer.Ordinal),
        ];
    }

    private static string? Text(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) ? value.GetString() : null;
}
