namespace DaprOrders.LocalDapr.Invocation;

/// <summary>
/// The operation patterns of one caller policy, searched the way daprd's ACL trie searches them (dapr
/// pkg/config/acl_trie.go): patterns and methods are split into `/segment`s; at each level the first child (in the
/// order the patterns were written) that equals the segment, is `/**` (the rest of the path), is `/*` (only for the
/// last segment) or glob-matches it (`*` inside a segment) is taken; the first pattern end reached decides. A pattern
/// given twice keeps its first rule.
/// </summary>
public sealed class OperationTree
{
    private const string OneSegment = "/*";
    private const string AnySegments = "/**";

    private readonly Node _root = new("/");

    /// <summary>
    /// Adds <paramref name="pattern"/> (starting with `/`).
    /// </summary>
    public void Add(string pattern, OperationRule rule)
    {
        var node = _root;
        var segments = Segments(pattern);
        for (var i = 0; i < segments.Count; i++)
        {
            var child = node.Children.Find(c => c.Segment == segments[i]);
            if (child is null)
            {
                child = new Node(segments[i]);
                node.Children.Add(child);
            }

            if (i == segments.Count - 1)
            {
                child.Rule ??= rule;
            }

            node = child;
        }
    }

    /// <summary>
    /// The rule of the pattern that matches <paramref name="operation"/> (starting with `/`), or null.
    /// </summary>
    public OperationRule? Match(string operation, bool ignoreCase)
    {
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var node = _root;
        var segments = Segments(operation);
        for (var i = 0; i < segments.Count; i++)
        {
            var isLast = i == segments.Count - 1;
            node = Step(node, segments[i], isLast, comparison);
            if (node is null)
            {
                return null;
            }

            if (node.Rule is not null)
            {
                if (!isLast && node.Segment == OneSegment)
                {
                    continue;
                }

                return node.Rule;
            }

            if (isLast)
            {
                return Step(node, OneSegment, isLast: true, comparison)?.Rule;
            }
        }

        return null;
    }

    private static Node? Step(Node node, string segment, bool isLast, StringComparison comparison)
    {
        foreach (var child in node.Children)
        {
            if (string.Equals(child.Segment, segment, comparison))
            {
                return child;
            }

            if (child.Segment == OneSegment)
            {
                if (isLast)
                {
                    return child;
                }

                continue;
            }

            if (child.Segment == AnySegments || Glob(segment, child.Segment, comparison))
            {
                return child;
            }
        }

        return null;
    }

    // `*` matches any run of characters within the segment.
    private static bool Glob(string text, string pattern, StringComparison comparison)
    {
        var matches = new bool[pattern.Length + 1];
        matches[0] = true;
        for (var j = 1; j <= pattern.Length && pattern[j - 1] == '*'; j++)
        {
            matches[j] = true;
        }

        for (var i = 1; i <= text.Length; i++)
        {
            var diagonal = matches[0];
            matches[0] = false;
            for (var j = 1; j <= pattern.Length; j++)
            {
                var above = matches[j];
                matches[j] = pattern[j - 1] == '*'
                    ? matches[j - 1] || above
                    : diagonal && string.Compare(text, i - 1, pattern, j - 1, 1, comparison) == 0;
                diagonal = above;
            }
        }

        return matches[pattern.Length];
    }

    // "/a/b" → ["/a", "/b"]; "/" → ["/"] (one empty segment), as strings.Split with the leading part dropped.
    private static List<string> Segments(string path) => path.Split('/').Skip(1).Select(s => "/" + s).ToList();

    private sealed class Node(string segment)
    {
        public string Segment { get; } = segment;

        public OperationRule? Rule { get; set; }

        public List<Node> Children { get; } = [];
    }
}
