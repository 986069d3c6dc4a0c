using System.Globalization;
using System.Text;
using DaprOrders.Deployment.Tests.Yaml;

namespace DaprOrders.Deployment.Tests.Helm;

/// <summary>The Go template and Sprig functions the chart uses, with Helm's argument order (piped value last).</summary>
public static class TemplateFunctions
{
    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "quote", "default", "toYaml", "nindent", "indent", "include", "printf", "eq", "ne", "not", "and", "or", "dict",
    };

    public static object? Call(string name, IReadOnlyList<object?> args, Func<string, object?, string> include) => name switch
    {
        // Sprig: quote skips nil arguments and joins the rest with spaces.
        "quote" => string.Join(' ', args.Where(a => a is not null).Select(a => Quote(TemplateEvaluator.Print(a)))),
        "default" => Arity(name, args, 2) && TemplateEvaluator.IsTrue(args[1]) ? args[1] : args[0],
        "toYaml" => Arity(name, args, 1) ? ToYaml(args[0]) : null,
        "nindent" => Arity(name, args, 2) ? "\n" + Indent(args[0], args[1]) : null,
        "indent" => Arity(name, args, 2) ? Indent(args[0], args[1]) : null,
        "include" => Arity(name, args, 2) ? include(TemplateEvaluator.Print(args[0]), args[1]) : null,
        "printf" => Printf(args),
        "eq" => args.Skip(1).Any(b => Same(args[0], b)),
        "ne" => Arity(name, args, 2) && !Same(args[0], args[1]),
        "not" => Arity(name, args, 1) && !TemplateEvaluator.IsTrue(args[0]),
        // Go's and/or return the deciding argument, not a bool.
        "and" => args.FirstOrDefault(a => !TemplateEvaluator.IsTrue(a), args[^1]),
        "or" => args.FirstOrDefault(TemplateEvaluator.IsTrue, args[^1]),
        "dict" => Dict(args),
        _ => throw new TemplateException($"function \"{name}\" is outside the supported subset"),
    };

    private static bool Arity(string name, IReadOnlyList<object?> args, int count) =>
        args.Count == count ? true : throw new TemplateException($"{name} takes {count} arguments, got {args.Count}");

    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal) + "\"";

    private static string Indent(object? width, object? text)
    {
        var pad = new string(' ', Convert.ToInt32(width, CultureInfo.InvariantCulture));
        return pad + TemplateEvaluator.Print(text).Replace("\n", "\n" + pad, StringComparison.Ordinal);
    }

    private static bool Same(object? a, object? b) => (a, b) switch
    {
        (long x, long y) => x == y,
        (long or double, long or double) => Convert.ToDouble(a, CultureInfo.InvariantCulture)
            == Convert.ToDouble(b, CultureInfo.InvariantCulture),
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (bool x, bool y) => x == y,
        (null, null) => true,
        _ when a is null || b is null => false,
        _ => throw new TemplateException($"incompatible types for comparison: {a.GetType().Name} and {b.GetType().Name}"),
    };

    private static string Printf(IReadOnlyList<object?> args)
    {
        var format = TemplateEvaluator.Print(args[0]);
        var output = new StringBuilder();
        var next = 1;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                output.Append(format[i]);
                continue;
            }

            var verb = format[++i];
            if (verb == '%')
            {
                output.Append('%');
            }
            else if (verb is 's' or 'd' or 'v')
            {
                output.Append(TemplateEvaluator.Print(args[next++]));
            }
            else
            {
                throw new TemplateException($"printf verb %{verb} is outside the supported subset");
            }
        }

        return next == args.Count ? output.ToString() : throw new TemplateException("printf: wrong number of arguments");
    }

    private static Dictionary<string, object?> Dict(IReadOnlyList<object?> args)
    {
        if (args.Count % 2 != 0)
        {
            throw new TemplateException("dict takes key/value pairs");
        }

        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i += 2)
        {
            map[TemplateEvaluator.Print(args[i])] = args[i + 1];
        }

        return map;
    }

    /// <summary>Like Helm's toYaml (sigs.k8s.io/yaml): block style, keys sorted, no trailing newline.</summary>
    public static string ToYaml(object? value)
    {
        var output = new StringBuilder();
        WriteYaml(output, value, 0);
        return output.ToString().TrimEnd('\n');
    }

    private static void WriteYaml(StringBuilder output, object? value, int indent)
    {
        var pad = new string(' ', indent);
        switch (value)
        {
            case Dictionary<string, object?> { Count: 0 }:
                output.Append("{}\n");
                break;
            case Dictionary<string, object?> map:
                foreach (var (key, item) in map.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    output.Append(pad).Append(Scalar(key)).Append(':');
                    WriteChild(output, item, indent);
                }

                break;
            case List<object?> { Count: 0 }:
                output.Append("[]\n");
                break;
            case List<object?> list:
                foreach (var item in list)
                {
                    output.Append(pad).Append('-');
                    WriteChild(output, item, indent);
                }

                break;
            default:
                output.Append(pad).Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static void WriteChild(StringBuilder output, object? item, int indent)
    {
        if (item is Dictionary<string, object?> { Count: > 0 } or List<object?> { Count: > 0 })
        {
            output.Append('\n');
            WriteYaml(output, item, indent + 2);
        }
        else
        {
            output.Append(' ');
            WriteYaml(output, item, 0);
        }
    }

    private static string Scalar(object? value)
    {
        if (value is not string text)
        {
            return value is null ? "null" : YamlPath.Format(value)!;
        }

        // Quote strings that YAML would read as something else (numbers, booleans, null) or that hold syntax.
        return ReadsBackAsItself(text) ? text : Quote(text);
    }

    private static bool ReadsBackAsItself(string text)
    {
        try
        {
            return text.Trim() == text && YamlModel.Load("k: " + text) is Dictionary<string, object?> map
                && map.TryGetValue("k", out var back) && back is string s && s == text;
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return false;
        }
    }
}
