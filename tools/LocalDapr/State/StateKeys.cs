namespace DaprOrders.LocalDapr.State;

/// <summary>
/// daprd's key scheme (components-contrib state/utils GetModifiedStateKey): `{prefix}||{key}`, the prefix chosen by
/// the component's `keyPrefix` metadata: `appid` (default), `name` (component name), `none`, or any fixed string.
/// </summary>
public static class StateKeys
{
    public const string Separator = "||";

    /// <summary>
    /// Throws <see cref="ArgumentException"/> for keys daprd rejects.
    /// </summary>
    public static string ForApp(InMemoryStateStore store, string appId, string key)
    {
        var keyPrefix = store.Component.GetMetadata("keyPrefix") ?? "appid";
        if (string.Equals(keyPrefix, "none", StringComparison.OrdinalIgnoreCase))
        {
            return key;
        }

        if (key.Contains(Separator, StringComparison.Ordinal))
        {
            throw new ArgumentException($"input key/keyPrefix '{key}' can't contain '{Separator}'");
        }

        var prefix = keyPrefix.ToLowerInvariant() switch
        {
            "appid" => appId,
            "name" => store.Component.Name,
            _ => keyPrefix,
        };
        return prefix + Separator + key;
    }

    /// <summary>
    /// The key the app used, from the stored key (bulk results echo the app's keys).
    /// </summary>
    public static string ForCaller(string storedKey) =>
        storedKey.Contains(Separator, StringComparison.Ordinal) ? storedKey[(storedKey.IndexOf(Separator, StringComparison.Ordinal) + Separator.Length)..] : storedKey;
}
