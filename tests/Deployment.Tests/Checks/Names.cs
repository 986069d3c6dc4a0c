using System.Reflection;
using System.Text.RegularExpressions;
using DaprOrders.Contracts;

namespace DaprOrders.Deployment.Tests.Checks;

/// <summary>The names the code defines (Contracts) and finds in source (actor types, the REST route group).</summary>
public static partial class Names
{
    /// <summary>Every topic: the constants of <see cref="Topics"/> and the enriched-orders topic of each level.</summary>
    public static IReadOnlySet<string> Topics { get; } = ConstantsOf(typeof(Topics))
        .Where(name => name != Contracts.Topics.EnrichedOrdersPrefix)
        .Concat(CustomerLevels.All.Select(Contracts.Topics.EnrichedOrders))
        .ToHashSet(StringComparer.Ordinal);

    public static IReadOnlySet<string> Components { get; } =
        ConstantsOf(typeof(DaprComponents)).ToHashSet(StringComparer.Ordinal);

    public static IReadOnlySet<string> AppIds { get; } = Contracts.AppIds.All.ToHashSet(StringComparer.Ordinal);

    /// <summary>App ids that run as services on a cluster: all but the loaders CLI, which only publishes.</summary>
    public static IReadOnlySet<string> DeployedAppIds { get; } =
        Contracts.AppIds.All.Where(id => id != Contracts.AppIds.Loader).ToHashSet(StringComparer.Ordinal);

    /// <summary>Actor type names declared in services/**.cs (`public const string TypeName = "..."`).</summary>
    public static IReadOnlySet<string> ActorTypes(Repo repo) =>
        SourceFiles(repo).SelectMany(f => ActorTypeName().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Actor types that a Dapr workflow replaced (issue 9: the orders service's OrderValidationWorkflow instead of
    /// OrderValidationActor). Nothing may target them; while the actor's code is still in services/ the checks do not
    /// ask for its resiliency target either.
    /// </summary>
    public static IReadOnlySet<string> ReplacedActorTypes { get; } = new HashSet<string>(StringComparer.Ordinal) { "OrderValidationActor" };

    /// <summary>
    /// App ids whose project (services/&lt;project&gt;, from <paramref name="projects"/>: app id -> project) keeps state in
    /// the state store: it declares an actor type, runs a Dapr workflow or activity (their state is actor state), or
    /// takes an IStateStore. Those apps must load the state store component.
    /// </summary>
    public static IReadOnlySet<string> AppsWithState(Repo repo, IReadOnlyDictionary<string, string> projects) =>
        projects.Where(p => SourceFiles(repo)
                .Where(f => f.StartsWith(repo.Path("services", p.Value) + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
                .Any(f => UsesState().IsMatch(File.ReadAllText(f))))
            .Select(p => p.Key)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Route groups mapped in services/**.cs (`MapGroup("/v1/orders")`).</summary>
    public static IReadOnlySet<string> RouteGroups(Repo repo) =>
        SourceFiles(repo).SelectMany(f => RouteGroup().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The HTTP methods mapped under each route group in services/**.cs: the group a file names
    /// (`var orders = endpoints.MapGroup("/v1/orders")`) and the `orders.MapPost(...)`, `orders.MapGet(...)` of the same
    /// file, as upper-case verbs (what daprd's access control compares).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> RouteGroupMethods(Repo repo)
    {
        var groups = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in SourceFiles(repo))
        {
            var text = File.ReadAllText(file);
            foreach (Match group in RouteGroupVariable().Matches(text))
            {
                if (!groups.TryGetValue(group.Groups[2].Value, out var methods))
                {
                    groups[group.Groups[2].Value] = methods = new HashSet<string>(StringComparer.Ordinal);
                }

                var mapped = Regex.Matches(text, $@"\b{Regex.Escape(group.Groups[1].Value)}\s*\.\s*Map(Get|Post|Put|Delete|Patch)\s*\(");
                methods.UnionWith(mapped.Select(m => m.Groups[1].Value.ToUpperInvariant()));
            }
        }

        return groups.ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// Configuration keys a project binds, as environment variables: "Section__Property" for every options class
    /// (`const string Section = "Fraud"` and its `public T Property { get; set; }`).
    /// </summary>
    public static IReadOnlySet<string> OptionKeys(Repo repo, string project)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var folder = repo.Path("services", project);
        if (!Directory.Exists(folder))
        {
            return keys;
        }

        foreach (var file in SourceFiles(repo).Where(f => f.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            if (OptionsSection().Match(text) is { Success: true } section)
            {
                keys.UnionWith(OptionsProperty().Matches(text).Select(m => $"{section.Groups[1].Value}__{m.Groups[1].Value}"));
            }
        }

        return keys;
    }

    private static IEnumerable<string> SourceFiles(Repo repo) =>
        Directory.EnumerateFiles(repo.Path("services"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static IEnumerable<string> ConstantsOf(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);

    [GeneratedRegex("""const\s+string\s+TypeName\s*=\s*"([A-Za-z0-9_]+)"\s*;""")]
    private static partial Regex ActorTypeName();

    [GeneratedRegex("""const\s+string\s+Section\s*=\s*"([A-Za-z0-9_]+)"\s*;""")]
    private static partial Regex OptionsSection();

    [GeneratedRegex("""public\s+[A-Za-z0-9_<>?,\[\] ]+?\s+([A-Za-z0-9_]+)\s*\{\s*get;\s*set;""")]
    private static partial Regex OptionsProperty();

    [GeneratedRegex("""const\s+string\s+TypeName\s*=|:\s*(Workflow|WorkflowActivity)<|\bIStateStore\b""")]
    private static partial Regex UsesState();

    [GeneratedRegex("""MapGroup\(\s*"([^"]+)"\s*\)""")]
    private static partial Regex RouteGroup();

    [GeneratedRegex("""var\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*[A-Za-z0-9_.]+\.MapGroup\(\s*"([^"]+)"\s*\)""")]
    private static partial Regex RouteGroupVariable();
}
