using System.Globalization;
using System.Text;

namespace DaprOrders.Deployment.Tests.Helm;

public enum ExprKind { Identifier, Field, Variable, Text, Number, LeftParen, RightParen, Pipe, Declare, Assign, Comma }

public sealed record ExprToken(ExprKind Kind, string Text);

/// <summary>Splits an action ("include "x" (dict "a" $) | nindent 4") into tokens.</summary>
public static class ExprLexer
{
    public static List<ExprToken> Lex(string action, string fileName)
    {
        var tokens = new List<ExprToken>();
        var i = 0;
        while (i < action.Length)
        {
            var c = action[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '"')
            {
                var text = new StringBuilder();
                i++;
                while (i < action.Length && action[i] != '"')
                {
                    if (action[i] == '\\' && i + 1 < action.Length)
                    {
                        i++;
                        text.Append(action[i] switch { 'n' => '\n', 't' => '\t', var other => other });
                    }
                    else
                    {
                        text.Append(action[i]);
                    }

                    i++;
                }

                if (i >= action.Length)
                {
                    throw new TemplateException($"{fileName}: unterminated string in {{{{{action}}}}}");
                }

                i++;
                tokens.Add(new ExprToken(ExprKind.Text, text.ToString()));
            }
            else if (c is '(' or ')' or '|' or ',')
            {
                tokens.Add(new ExprToken(
                    c switch { '(' => ExprKind.LeftParen, ')' => ExprKind.RightParen, '|' => ExprKind.Pipe, _ => ExprKind.Comma },
                    c.ToString()));
                i++;
            }
            else if (c == ':' && i + 1 < action.Length && action[i + 1] == '=')
            {
                tokens.Add(new ExprToken(ExprKind.Declare, ":="));
                i += 2;
            }
            else if (c == '=')
            {
                tokens.Add(new ExprToken(ExprKind.Assign, "="));
                i++;
            }
            else if (c is '.' or '$')
            {
                var start = i++;
                while (i < action.Length && (char.IsLetterOrDigit(action[i]) || action[i] is '_' or '.'))
                {
                    i++;
                }

                tokens.Add(new ExprToken(c == '.' ? ExprKind.Field : ExprKind.Variable, action[start..i]));
            }
            else if (char.IsDigit(c) || (c == '-' && i + 1 < action.Length && char.IsDigit(action[i + 1])))
            {
                var start = i++;
                while (i < action.Length && (char.IsDigit(action[i]) || action[i] == '.'))
                {
                    i++;
                }

                tokens.Add(new ExprToken(ExprKind.Number, action[start..i]));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i++;
                while (i < action.Length && (char.IsLetterOrDigit(action[i]) || action[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new ExprToken(ExprKind.Identifier, action[start..i]));
            }
            else
            {
                throw new TemplateException($"{fileName}: unexpected '{c}' in {{{{{action}}}}}");
            }
        }

        return tokens;
    }
}

/// <summary>A pipeline: commands separated by '|'; each command's value becomes the last argument of the next.</summary>
public sealed record Pipeline(IReadOnlyList<Command> Commands);

/// <summary>A function call with arguments, or a single operand.</summary>
public sealed record Command(string? Function, IReadOnlyList<Operand> Arguments);

public abstract record Operand;

public sealed record LiteralOperand(object? Value) : Operand;

/// <summary>".A.B" from dot, or "$x.A.B" from a variable ("$" alone is the template's root data).</summary>
public sealed record PathOperand(string? Variable, IReadOnlyList<string> Fields) : Operand;

public sealed record NestedOperand(Pipeline Pipeline, IReadOnlyList<string> Fields) : Operand;

public static class ExprParser
{
    public static Pipeline ParsePipeline(List<ExprToken> tokens, string fileName)
    {
        var position = 0;
        var pipeline = ParsePipeline(tokens, ref position, fileName);
        if (position != tokens.Count)
        {
            throw new TemplateException($"{fileName}: unexpected '{tokens[position].Text}'");
        }

        return pipeline;
    }

    private static Pipeline ParsePipeline(List<ExprToken> tokens, ref int position, string fileName)
    {
        var commands = new List<Command>();
        while (true)
        {
            commands.Add(ParseCommand(tokens, ref position, fileName));
            if (position < tokens.Count && tokens[position].Kind == ExprKind.Pipe)
            {
                position++;
                continue;
            }

            return new Pipeline(commands);
        }
    }

    private static Command ParseCommand(List<ExprToken> tokens, ref int position, string fileName)
    {
        if (position >= tokens.Count)
        {
            throw new TemplateException($"{fileName}: empty command");
        }

        string? function = null;
        if (tokens[position].Kind == ExprKind.Identifier && tokens[position].Text is not ("true" or "false" or "nil"))
        {
            function = tokens[position++].Text;
        }

        var arguments = new List<Operand>();
        while (position < tokens.Count && tokens[position].Kind is not (ExprKind.Pipe or ExprKind.RightParen))
        {
            arguments.Add(ParseOperand(tokens, ref position, fileName));
        }

        if (function is null && arguments.Count != 1)
        {
            throw new TemplateException($"{fileName}: a value cannot take arguments");
        }

        return new Command(function, arguments);
    }

    private static Operand ParseOperand(List<ExprToken> tokens, ref int position, string fileName)
    {
        var token = tokens[position++];
        switch (token.Kind)
        {
            case ExprKind.Text:
                return new LiteralOperand(token.Text);
            case ExprKind.Number:
                return new LiteralOperand(token.Text.Contains('.', StringComparison.Ordinal)
                    ? double.Parse(token.Text, CultureInfo.InvariantCulture)
                    : long.Parse(token.Text, CultureInfo.InvariantCulture));
            case ExprKind.Identifier when token.Text is "true" or "false":
                return new LiteralOperand(token.Text == "true");
            case ExprKind.Identifier when token.Text == "nil":
                return new LiteralOperand(null);
            case ExprKind.Field:
                return new PathOperand(null, Fields(token.Text));
            case ExprKind.Variable:
            {
                var dot = token.Text.IndexOf('.', StringComparison.Ordinal);
                return dot < 0
                    ? new PathOperand(token.Text, [])
                    : new PathOperand(token.Text[..dot], Fields(token.Text[dot..]));
            }

            case ExprKind.LeftParen:
            {
                var inner = ParsePipeline(tokens, ref position, fileName);
                if (position >= tokens.Count || tokens[position].Kind != ExprKind.RightParen)
                {
                    throw new TemplateException($"{fileName}: missing ')'");
                }

                position++;
                var fields = new List<string>();
                if (position < tokens.Count && tokens[position].Kind == ExprKind.Field && tokens[position].Text != ".")
                {
                    fields.AddRange(Fields(tokens[position++].Text));
                }

                return new NestedOperand(inner, fields);
            }

            default:
                throw new TemplateException($"{fileName}: unexpected '{token.Text}'");
        }
    }

    private static List<string> Fields(string path) =>
        [.. path.Split('.', StringSplitOptions.RemoveEmptyEntries)];
}
