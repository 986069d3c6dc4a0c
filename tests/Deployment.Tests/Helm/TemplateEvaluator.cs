using System.Collections;
using System.Text;
using DaprOrders.Deployment.Tests.Yaml;

namespace DaprOrders.Deployment.Tests.Helm;

/// <summary>
/// Executes parsed templates the way Helm does for the subset we use: maps range in key order, a missing map key is
/// empty, a field of nothing is an error ("nil pointer evaluating"), and only the functions in
/// <see cref="TemplateFunctions"/> exist.
/// </summary>
public sealed class TemplateEvaluator(IReadOnlyDictionary<string, IReadOnlyList<TemplateNode>> defines)
{
    private const int MaxIncludeDepth = 20;

    public string Execute(IReadOnlyList<TemplateNode> nodes, object? data)
    {
        var output = new StringBuilder();
        var scope = new Scope(null);
        scope.Declare("$", data);
        Run(nodes, data, scope, output, 0);
        return output.ToString();
    }

    public string Include(string name, object? data, int depth)
    {
        if (depth > MaxIncludeDepth)
        {
            throw new TemplateException($"include \"{name}\" recurses too deeply");
        }

        if (!defines.TryGetValue(name, out var body))
        {
            throw new TemplateException($"no template named \"{name}\"");
        }

        var output = new StringBuilder();
        var scope = new Scope(null);
        scope.Declare("$", data);
        Run(body, data, scope, output, depth + 1);
        return output.ToString();
    }

    private void Run(IReadOnlyList<TemplateNode> nodes, object? dot, Scope scope, StringBuilder output, int depth)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    break;
                case OutputNode action:
                    output.Append(Print(Evaluate(action.Pipeline, dot, scope, depth)));
                    break;
                case AssignNode assign:
                    scope.Set(assign.Variable, Evaluate(assign.Pipeline, dot, scope, depth));
                    break;
                case IfNode branch:
                    Run(IsTrue(Evaluate(branch.Condition, dot, scope, depth)) ? branch.Then : branch.Else,
                        dot, new Scope(scope), output, depth);
                    break;
                case WithNode with:
                {
                    var value = Evaluate(with.Value, dot, scope, depth);
                    if (IsTrue(value))
                    {
                        Run(with.Body, value, new Scope(scope), output, depth);
                    }

                    break;
                }

                case RangeNode range:
                    RunRange(range, dot, scope, output, depth);
                    break;
                default:
                    throw new TemplateException($"unknown node {node}");
            }
        }
    }

    private void RunRange(RangeNode range, object? dot, Scope scope, StringBuilder output, int depth)
    {
        var source = Evaluate(range.Source, dot, scope, depth);
        IEnumerable<(object? Key, object? Value)> items = source switch
        {
            null => [],
            Dictionary<string, object?> map => map.OrderBy(e => e.Key, StringComparer.Ordinal)
                .Select(e => ((object?)e.Key, e.Value)),
            IList list => list.Cast<object?>().Select((v, i) => ((object?)(long)i, v)),
            _ => throw new TemplateException($"range can't iterate over {Print(source)}"),
        };

        foreach (var (key, value) in items)
        {
            var inner = new Scope(scope);
            if (range.KeyVariable is not null)
            {
                inner.Declare(range.KeyVariable, key);
            }

            if (range.ValueVariable is not null)
            {
                inner.Declare(range.ValueVariable, value);
            }

            Run(range.Body, value, inner, output, depth);
        }
    }

    private object? Evaluate(Pipeline pipeline, object? dot, Scope scope, int depth)
    {
        object? result = null;
        var piped = false;
        foreach (var command in pipeline.Commands)
        {
            var arguments = command.Arguments.Select(a => Evaluate(a, dot, scope, depth)).ToList();
            if (piped)
            {
                arguments.Add(result);
            }

            if (command.Function is null)
            {
                if (piped)
                {
                    throw new TemplateException("a value cannot receive a pipe");
                }

                result = arguments[0];
            }
            else
            {
                result = TemplateFunctions.Call(command.Function, arguments, (name, data) => Include(name, data, depth));
            }

            piped = true;
        }

        return result;
    }

    private object? Evaluate(Operand operand, object? dot, Scope scope, int depth) => operand switch
    {
        LiteralOperand literal => literal.Value,
        PathOperand path => Walk(path.Variable is null ? dot : scope.Get(path.Variable), path.Fields,
            path.Variable ?? "."),
        NestedOperand nested => Walk(Evaluate(nested.Pipeline, dot, scope, depth), nested.Fields, "(...)"),
        _ => throw new TemplateException($"unknown operand {operand}"),
    };

    private static object? Walk(object? value, IReadOnlyList<string> fields, string start)
    {
        var walked = start;
        foreach (var field in fields)
        {
            value = value switch
            {
                null => throw new TemplateException($"nil pointer evaluating {walked}.{field}"),
                Dictionary<string, object?> map => map.GetValueOrDefault(field),
                _ => throw new TemplateException($"can't evaluate field {field} in {walked}"),
            };
            walked += "." + field;
        }

        return value;
    }

    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        long l => l != 0,
        double d => d != 0,
        ICollection c => c.Count > 0,
        _ => true,
    };

    public static string Print(object? value) => value switch
    {
        null => "",
        string s => s,
        bool or long or double => YamlPath.Format(value)!,
        _ => throw new TemplateException($"cannot print a {value.GetType().Name}; use toYaml"),
    };

    private sealed class Scope(Scope? parent)
    {
        private readonly Dictionary<string, object?> variables = new(StringComparer.Ordinal);

        private Scope? Parent => parent;

        public void Declare(string name, object? value) => variables[name] = value;

        public void Set(string name, object? value)
        {
            // ":=" and "=" are told apart by Go; both land in the nearest scope that has the name, else this one.
            for (var s = this; s is not null; s = s.Parent)
            {
                if (s.variables.ContainsKey(name))
                {
                    s.variables[name] = value;
                    return;
                }
            }

            variables[name] = value;
        }

        public object? Get(string name)
        {
            for (var s = this; s is not null; s = s.Parent)
            {
                if (s.variables.TryGetValue(name, out var value))
                {
                    return value;
                }
            }

            throw new TemplateException($"undefined variable {name}");
        }
    }
}
