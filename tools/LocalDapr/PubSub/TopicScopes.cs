namespace DaprOrders.LocalDapr.PubSub;

/// <summary>
/// Topic-level access of a pub/sub component, from its metadata `publishingScopes`, `subscriptionScopes`
/// (`app1=topic1,topic2;app2=topic3`), `allowedTopics` and `protectedTopics` (comma lists), read as daprd reads
/// them (pkg/runtime/pubsub scopes.go GetScopedTopics, isOperationAllowed): names case-insensitive, spaces removed;
/// an app absent from a scope list may use every topic; `app=` with no topics may use none.
/// </summary>
public sealed class TopicScopes
{
    private readonly Dictionary<string, HashSet<string>> _publishing;
    private readonly Dictionary<string, HashSet<string>> _subscribing;
    private readonly HashSet<string> _allowed;
    private readonly HashSet<string> _protectedTopics;

    public TopicScopes(IReadOnlyDictionary<string, string> metadata)
    {
        _publishing = AppTopics(Find(metadata, "publishingScopes"));
        _subscribing = AppTopics(Find(metadata, "subscriptionScopes"));
        _allowed = Topics(Find(metadata, "allowedTopics"));
        _protectedTopics = Topics(Find(metadata, "protectedTopics"));
    }

    public bool MayPublish(string appId, string topic) => IsAllowed(topic, _publishing.GetValueOrDefault(appId));

    public bool MaySubscribe(string appId, string topic) => IsAllowed(topic, _subscribing.GetValueOrDefault(appId));

    private bool IsAllowed(string topic, HashSet<string>? scoped)
    {
        if (_allowed.Count > 0 && !_allowed.Contains(topic))
        {
            return false;
        }

        // A protected topic needs an explicit grant; any other topic is open unless the app is scoped.
        if (scoped is null || scoped.Count == 0)
        {
            return !_protectedTopics.Contains(topic);
        }

        return scoped.Contains(topic);
    }

    private static string? Find(IReadOnlyDictionary<string, string> metadata, string name) =>
        metadata.FirstOrDefault(m => string.Equals(m.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static Dictionary<string, HashSet<string>> AppTopics(string? value)
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(value))
        {
            return result;
        }

        foreach (var entry in value.Replace(" ", "", StringComparison.Ordinal).Split(';'))
        {
            var parts = entry.Split('=');
            if (parts.Length < 2)
            {
                continue;
            }

            if (!result.TryGetValue(parts[0], out var topics))
            {
                result[parts[0]] = topics = new HashSet<string>(StringComparer.Ordinal);
            }

            // "app=" yields the single topic "", which matches no real topic: the app may use none.
            topics.UnionWith(parts[1].Split(','));
        }

        return result;
    }

    private static HashSet<string> Topics(string? value) =>
        string.IsNullOrEmpty(value)
            ? new HashSet<string>(StringComparer.Ordinal)
            : new HashSet<string>(value.Replace(" ", "", StringComparison.Ordinal).Split(','), StringComparer.Ordinal);
}
