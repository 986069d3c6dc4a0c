namespace DaprOrders.LocalDapr.Invocation;

/// <summary>
/// daprd's normalisation of an invoked method before access control and dispatch (dapr
/// pkg/messaging/method/normalize.go): `#`, `?`, NUL and control characters are refused; the path is cleaned
/// (`a//b/./c/../d` → `a/b/d`), leading `../` dropped, and `.`/`..` become empty.
/// </summary>
public static class MethodNames
{
    /// <summary>
    /// The normalised method, or null when it holds a forbidden character (<see cref="Problem"/> says which).
    /// </summary>
    public static string? Normalize(string method)
    {
        if (method.Any(Forbidden))
        {
            return null;
        }

        // path.Clean, then the normaliser drops what climbs above the start: a ".." with nothing to pop goes.
        var rooted = method.StartsWith('/');
        var segments = new List<string>();
        foreach (var segment in method.Split('/'))
        {
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (segment is not ("" or "."))
            {
                segments.Add(segment);
            }
        }

        return (rooted ? "/" : "") + string.Join('/', segments);
    }

    /// <summary>
    /// daprd's reason for refusing <paramref name="method"/>.
    /// </summary>
    public static string Problem(string method)
    {
        var index = method.ToList().FindIndex(c => c < 0x20 || c == 0x7f);
        return method.IndexOfAny(['#', '?', '\0']) >= 0 || index < 0
            ? $"invalid method: method contains forbidden character: \"{method}\""
            : $"invalid method: method contains control character at position {index}: \"{method}\"";
    }

    private static bool Forbidden(char c) => c is '#' or '?' or '\0' || c < 0x20 || c == 0x7f;
}
