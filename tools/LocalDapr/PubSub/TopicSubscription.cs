using System.Text.Json;
using DaprOrders.LocalDapr.Components;

namespace DaprOrders.LocalDapr.PubSub;

/// <summary>
/// One subscription of an app to a topic, from `GET /dapr/subscribe` (programmatic) or a `Subscription`
/// resource (declarative): where each event goes (rules in order, the last one without a match is the default),
/// where failures go, and subscription metadata such as `rawPayload`.
/// </summary>
public sealed record TopicSubscription(
    string PubsubName,
    string Topic,
    IReadOnlyList<RouteRule> Rules,
    string? DeadLetterTopic,
    IReadOnlyDictionary<string, string> Metadata,
    string Type)
{
    public const string Programmatic = "PROGRAMMATIC";
    public const string Declarative = "DECLARATIVE";

    public bool RawPayload => Metadata.TryGetValue("rawPayload", out var raw) && bool.TryParse(raw, out var on) && on;

    /// <summary>
    /// The first rule whose match is true, else the default; null = no route for this event (it is dropped).
    /// </summary>
    public string? RouteFor(System.Text.Json.Nodes.JsonNode? cloudEvent) =>
        Rules.FirstOrDefault(r => r.Match is null || r.Match.Matches(cloudEvent))?.Path;

    /// <summary>
    /// daprd's subscription shape (pkg/runtime/pubsub/subscriptions.go), keys matched case-insensitively
    /// as Go's JSON decoder does, so both the SDK's `pubsubName` and the docs' `pubsubname` work.
    /// </summary>
    public static IReadOnlyList<TopicSubscription> FromSubscribeResponse(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        var entries = JsonSerializer.Deserialize<List<SubscribeEntry>>(json, SubscribeJson) ?? [];
        var result = new List<TopicSubscription>();
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var where = $"GET /dapr/subscribe entry {i} (topic '{e.Topic}')";
            var rules = new List<RouteRule>();
            foreach (var rule in e.Routes?.Rules ?? [])
            {
                rules.Add(RouteRule.Of(rule.Match, rule.Path, where));
            }

            var fallback = e.Routes?.Default is { Length: > 0 } d ? d : e.Route;
            if (fallback is { Length: > 0 })
            {
                rules.Add(new RouteRule(null, fallback));
            }

            result.Add(new TopicSubscription(
                e.PubsubName ?? "", e.Topic ?? "", rules, NullIfEmpty(e.DeadLetterTopic),
                e.Metadata ?? new Dictionary<string, string>(), Programmatic));
        }

        return result;
    }

    /// <summary>
    /// A `Subscription` resource: dapr.io/v1alpha1 (`route`) or v2alpha1 (`routes.rules`, `routes.default`).
    /// </summary>
    public static TopicSubscription FromDocument(ResourceDocument document)
    {
        var where = $"{document.SourceFile}: Subscription '{document.Name}'";
        var spec = document.Spec;
        string? Text(IReadOnlyDictionary<string, object?> map, string key) =>
            map.TryGetValue(key, out var value) ? value as string ?? throw new FormatException($"{where}: spec.{key} must be a string") : null;

        var topic = Text(spec, "topic") ?? throw new FormatException($"{where}: missing spec.topic");
        var pubsub = Text(spec, "pubsubname") ?? throw new FormatException($"{where}: missing spec.pubsubname");
        var rules = new List<RouteRule>();
        if (spec.TryGetValue("routes", out var routesValue) && routesValue is IReadOnlyDictionary<string, object?> routes)
        {
            if (routes.TryGetValue("rules", out var rulesValue) && rulesValue is IEnumerable<object?> list)
            {
                foreach (var item in list)
                {
                    var rule = item as IReadOnlyDictionary<string, object?> ?? throw new FormatException($"{where}: each of spec.routes.rules needs match and path");
                    rules.Add(RouteRule.Of(Text(rule, "match"), Text(rule, "path"), where));
                }
            }

            if (Text(routes, "default") is { Length: > 0 } fallback)
            {
                rules.Add(new RouteRule(null, fallback));
            }
        }

        if (Text(spec, "route") is { Length: > 0 } route)
        {
            rules.Add(new RouteRule(null, route));
        }

        if (rules.Count == 0)
        {
            throw new FormatException($"{where}: no route (spec.route, or spec.routes.rules/default)");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (spec.TryGetValue("metadata", out var metadataValue) && metadataValue is IReadOnlyDictionary<string, object?> map)
        {
            foreach (var (key, value) in map)
            {
                metadata[key] = value as string ?? "";
            }
        }

        return new TopicSubscription(pubsub, topic, rules, NullIfEmpty(Text(spec, "deadLetterTopic")), metadata, Declarative);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static readonly JsonSerializerOptions SubscribeJson = new() { PropertyNameCaseInsensitive = true };

    private sealed record SubscribeEntry(
        string? PubsubName,
        string? Topic,
        string? Route,
        SubscribeRoutes? Routes,
        string? DeadLetterTopic,
        Dictionary<string, string>? Metadata);

    private sealed record SubscribeRoutes(List<SubscribeRule>? Rules, string? Default);

    private sealed record SubscribeRule(string? Match, string? Path);
}

/// <summary>
/// A route: events matching <see cref="Match"/> (null = every event) are posted to <see cref="Path"/>.
/// </summary>
public sealed record RouteRule(RouteExpression? Match, string Path)
{
    public static RouteRule Of(string? match, string? path, string where)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new FormatException($"{where}: a routing rule needs a path");
        }

        try
        {
            return new RouteRule(string.IsNullOrWhiteSpace(match) ? null : RouteExpression.Parse(match), path);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{where}: {e.Message}", e);
        }
    }
}
