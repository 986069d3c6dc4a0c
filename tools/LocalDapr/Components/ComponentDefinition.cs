namespace DaprOrders.LocalDapr.Components;

/// <summary>
/// A Dapr `Component` resource (dapr.io/v1alpha1) as loaded from a resources folder.
/// </summary>
public sealed record ComponentDefinition(
    string Name,
    string Type,
    string Version,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<string> Scopes,
    string SourceFile)
{
    /// <summary>
    /// As daprd: a component without scopes is visible to every app; with scopes, only to the apps listed.
    /// </summary>
    public bool IsVisibleTo(string appId) => Scopes.Count == 0 || Scopes.Contains(appId, StringComparer.Ordinal);

    public string? GetMetadata(string name) =>
        Metadata.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// Any other resource kind (`Subscription`, `Resiliency`, `Configuration`): its spec as plain YAML-shaped data
/// (IDictionary&lt;string, object?&gt;, IList&lt;object?&gt;, string), for the feature that understands it.
/// </summary>
public sealed record ResourceDocument(
    string Kind,
    string ApiVersion,
    string Name,
    IReadOnlyDictionary<string, object?> Spec,
    IReadOnlyList<string> Scopes,
    string SourceFile);

/// <summary>
/// Everything loaded from the resources path(s).
/// </summary>
public sealed record RuntimeResources(IReadOnlyList<ComponentDefinition> Components, IReadOnlyList<ResourceDocument> Documents)
{
    public IEnumerable<ComponentDefinition> OfType(string typePrefix) =>
        Components.Where(c => c.Type.StartsWith(typePrefix, StringComparison.Ordinal));

    public IEnumerable<ResourceDocument> OfKind(string kind) =>
        Documents.Where(d => string.Equals(d.Kind, kind, StringComparison.Ordinal));

    /// <summary>
    /// The sidecars' `Configuration`, or null. daprd reads one Configuration (`--config`, or the pod's
    /// `dapr.io/config`); the local runtime has no such flag and applies the one Configuration its resources hold
    /// to every sidecar, so a second one is an error.
    /// </summary>
    public ResourceDocument? Configuration()
    {
        var configurations = OfKind("Configuration").Take(2).ToList();
        return configurations.Count switch
        {
            0 => null,
            1 => configurations[0],
            _ => throw new ResourceException(configurations[1].SourceFile, "kind", null,
                $"only one Configuration may be given to the local runtime (also '{configurations[0].Name}')"),
        };
    }
}
