namespace DaprOrders.Deployment.Tests.Helm;

/// <summary>
/// Parses the subset of Go's text/template the chart uses: text, {{ pipeline }}, trim markers ({{- and -}}),
/// comments, if / else if / else, range (with "$k, $v :=" or "$v :="), with, define, variables ($x := ...).
/// Anything else is an error, so a template that strays outside the subset fails its test instead of being
/// checked wrongly.
/// </summary>
public static class TemplateParser
{
    public static (IReadOnlyList<TemplateNode> Body, IReadOnlyDictionary<string, IReadOnlyList<TemplateNode>> Defines)
        Parse(string text, string fileName)
    {
        var tokens = Lex(text, fileName);
        var defines = new Dictionary<string, IReadOnlyList<TemplateNode>>(StringComparer.Ordinal);
        var position = 0;
        var body = ParseList(tokens, ref position, defines, fileName, out var terminator);
        if (terminator is not null)
        {
            throw new TemplateException($"{fileName}: unexpected {{{{{terminator.Kind}}}}}");
        }

        return (body, defines);
    }

    private sealed record Token(string? Text, string? Action);

    private sealed record Terminator(string Kind, IReadOnlyList<ExprToken> Rest);

    private static List<Token> Lex(string text, string fileName)
    {
        var tokens = new List<Token>();
        var index = 0;
        var trimNext = false;
        while (index < text.Length)
        {
            var open = text.IndexOf("{{", index, StringComparison.Ordinal);
            var literal = open < 0 ? text[index..] : text[index..open];
            if (trimNext)
            {
                literal = literal.TrimStart();
            }

            if (open < 0)
            {
                tokens.Add(new Token(literal, null));
                break;
            }

            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new TemplateException($"{fileName}: unclosed action at offset {open}");
            }

            var action = text[(open + 2)..close];
            if (action.Length >= 2 && action[0] == '-' && char.IsWhiteSpace(action[1]))
            {
                literal = literal.TrimEnd();
                action = action[1..];
            }

            trimNext = action.Length >= 2 && action[^1] == '-' && char.IsWhiteSpace(action[^2]);
            if (trimNext)
            {
                action = action[..^1];
            }

            tokens.Add(new Token(literal, null));
            action = action.Trim();
            if (!(action.StartsWith("/*", StringComparison.Ordinal) && action.EndsWith("*/", StringComparison.Ordinal)))
            {
                tokens.Add(new Token(null, action));
            }

            index = close + 2;
        }

        return tokens;
    }

    private static List<TemplateNode> ParseList(
        List<Token> tokens, ref int position, Dictionary<string, IReadOnlyList<TemplateNode>> defines, string fileName,
        out Terminator? terminator)
    {
        var nodes = new List<TemplateNode>();
        while (position < tokens.Count)
        {
            var token = tokens[position++];
            if (token.Text is not null)
            {
                if (token.Text.Length > 0)
                {
                    nodes.Add(new TextNode(token.Text));
                }

                continue;
            }

            var expr = ExprLexer.Lex(token.Action!, fileName);
            var keyword = expr.Count > 0 && expr[0].Kind == ExprKind.Identifier ? expr[0].Text : null;
            switch (keyword)
            {
                case "end":
                    terminator = new Terminator("end", []);
                    return nodes;
                case "else":
                    terminator = new Terminator("else", expr.Skip(1).ToList());
                    return nodes;
                case "if":
                    nodes.Add(ParseIf(expr.Skip(1).ToList(), tokens, ref position, defines, fileName));
                    break;
                case "range":
                    nodes.Add(ParseRange(expr.Skip(1).ToList(), tokens, ref position, defines, fileName));
                    break;
                case "with":
                {
                    var pipeline = ExprParser.ParsePipeline(expr.Skip(1).ToList(), fileName);
                    var body = ParseList(tokens, ref position, defines, fileName, out var end);
                    Expect(end, "end", fileName);
                    nodes.Add(new WithNode(pipeline, body));
                    break;
                }
                case "define":
                {
                    if (expr.Count != 2 || expr[1].Kind != ExprKind.Text)
                    {
                        throw new TemplateException($"{fileName}: define needs one quoted name");
                    }

                    var body = ParseList(tokens, ref position, defines, fileName, out var end);
                    Expect(end, "end", fileName);
                    defines[expr[1].Text] = body;
                    break;
                }
                case "template" or "block" or "break" or "continue":
                    throw new TemplateException($"{fileName}: {{{{{keyword}}}}} is outside the supported subset");
                default:
                    nodes.Add(ParseAction(expr, fileName));
                    break;
            }
        }

        terminator = null;
        return nodes;
    }

    private static IfNode ParseIf(
        List<ExprToken> condition, List<Token> tokens, ref int position,
        Dictionary<string, IReadOnlyList<TemplateNode>> defines, string fileName)
    {
        var pipeline = ExprParser.ParsePipeline(condition, fileName);
        var then = ParseList(tokens, ref position, defines, fileName, out var end);
        if (end is null)
        {
            throw new TemplateException($"{fileName}: if without end");
        }

        if (end.Kind == "end")
        {
            return new IfNode(pipeline, then, []);
        }

        if (end.Rest.Count > 0 && end.Rest[0].Kind == ExprKind.Identifier && end.Rest[0].Text == "if")
        {
            // "else if" closes with the same {{ end }} as the outer if.
            var nested = ParseIf(end.Rest.Skip(1).ToList(), tokens, ref position, defines, fileName);
            return new IfNode(pipeline, then, [nested]);
        }

        var otherwise = ParseList(tokens, ref position, defines, fileName, out var last);
        Expect(last, "end", fileName);
        return new IfNode(pipeline, then, otherwise);
    }

    private static RangeNode ParseRange(
        List<ExprToken> expr, List<Token> tokens, ref int position,
        Dictionary<string, IReadOnlyList<TemplateNode>> defines, string fileName)
    {
        string? keyVariable = null;
        string? valueVariable = null;
        var declare = expr.FindIndex(t => t.Kind == ExprKind.Declare);
        if (declare >= 0)
        {
            var names = expr.Take(declare).Where(t => t.Kind == ExprKind.Variable).Select(t => t.Text).ToList();
            (keyVariable, valueVariable) = names.Count switch
            {
                1 => (null, names[0]),
                2 => (names[0], names[1]),
                _ => throw new TemplateException($"{fileName}: range declares one or two variables"),
            };
            expr = expr.Skip(declare + 1).ToList();
        }

        var pipeline = ExprParser.ParsePipeline(expr, fileName);
        var body = ParseList(tokens, ref position, defines, fileName, out var end);
        Expect(end, "end", fileName);
        return new RangeNode(keyVariable, valueVariable, pipeline, body);
    }

    private static TemplateNode ParseAction(List<ExprToken> expr, string fileName)
    {
        if (expr.Count >= 2 && expr[0].Kind == ExprKind.Variable && expr[1].Kind is ExprKind.Declare or ExprKind.Assign)
        {
            return new AssignNode(expr[0].Text, ExprParser.ParsePipeline(expr.Skip(2).ToList(), fileName));
        }

        return new OutputNode(ExprParser.ParsePipeline(expr, fileName));
    }

    private static void Expect(Terminator? terminator, string kind, string fileName)
    {
        if (terminator?.Kind != kind)
        {
            throw new TemplateException($"{fileName}: expected {{{{{kind}}}}}, found {terminator?.Kind ?? "end of file"}");
        }
    }
}

public sealed class TemplateException(string message) : Exception(message);

public abstract record TemplateNode;

public sealed record TextNode(string Text) : TemplateNode;

public sealed record OutputNode(Pipeline Pipeline) : TemplateNode;

public sealed record AssignNode(string Variable, Pipeline Pipeline) : TemplateNode;

public sealed record IfNode(Pipeline Condition, IReadOnlyList<TemplateNode> Then, IReadOnlyList<TemplateNode> Else)
    : TemplateNode;

public sealed record RangeNode(string? KeyVariable, string? ValueVariable, Pipeline Source, IReadOnlyList<TemplateNode> Body)
    : TemplateNode;

public sealed record WithNode(Pipeline Value, IReadOnlyList<TemplateNode> Body) : TemplateNode;
