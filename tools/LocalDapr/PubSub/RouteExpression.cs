using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DaprOrders.LocalDapr.PubSub;

/// <summary>
/// The part of CEL that routing rules use, evaluated over `{"event": the CloudEvent}` as daprd does: paths from
/// `event` (`event.type`, `event.data.amount`, `event["data"]`), string/number/bool/null literals, comparisons
/// (equal, not equal, less, greater), and, or, not, and parentheses. Anything else is rejected when the subscription is read, naming the expression.
/// A path that does not exist in the event makes its comparison false (CEL would raise "no such key"; daprd then
/// treats the rule as not matching).
/// </summary>
public sealed class RouteExpression
{
    private readonly Node _root;

    private RouteExpression(string text, Node root)
    {
        Text = text;
        _root = root;
    }

    public string Text { get; }

    public static RouteExpression Parse(string text)
    {
        var parser = new Parser(text);
        var node = parser.ParseAll();
        return new RouteExpression(text, node);
    }

    public bool Matches(JsonNode? cloudEvent) => _root.Evaluate(cloudEvent) is Value { Kind: ValueKind.Bool, Bool: true };

    public override string ToString() => Text;

    private enum ValueKind { Missing, Null, Bool, Number, String, Other }

    private readonly record struct Value(ValueKind Kind, bool Bool = false, double Number = 0, string? String = null)
    {
        public static Value Missing => new(ValueKind.Missing);

        public static Value Of(JsonNode? node) => node switch
        {
            null => new(ValueKind.Null),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => new(ValueKind.String, String: v.GetValue<string>()),
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => new(ValueKind.Number, Number: v.GetValue<double>()),
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => new(ValueKind.Bool, Bool: v.GetValue<bool>()),
            _ => new(ValueKind.Other),
        };
    }

    private abstract record Node
    {
        public abstract Value Evaluate(JsonNode? cloudEvent);
    }

    private sealed record Literal(Value Value) : Node
    {
        public override Value Evaluate(JsonNode? cloudEvent) => Value;
    }

    private sealed record PathNode(IReadOnlyList<string> Segments) : Node
    {
        public override Value Evaluate(JsonNode? cloudEvent)
        {
            var current = cloudEvent;
            foreach (var segment in Segments)
            {
                if (current is not JsonObject obj || !obj.TryGetPropertyValue(segment, out current))
                {
                    return Value.Missing;
                }
            }

            return Value.Of(current);
        }
    }

    private sealed record Not(Node Operand) : Node
    {
        public override Value Evaluate(JsonNode? cloudEvent) =>
            Operand.Evaluate(cloudEvent) is { Kind: ValueKind.Bool } v ? new Value(ValueKind.Bool, Bool: !v.Bool) : Value.Missing;
    }

    private sealed record Logical(bool IsAnd, Node Left, Node Right) : Node
    {
        public override Value Evaluate(JsonNode? cloudEvent)
        {
            var left = Left.Evaluate(cloudEvent) is { Kind: ValueKind.Bool, Bool: true };
            if (IsAnd && !left)
            {
                return new Value(ValueKind.Bool, Bool: false);
            }

            if (!IsAnd && left)
            {
                return new Value(ValueKind.Bool, Bool: true);
            }

            return new Value(ValueKind.Bool, Bool: Right.Evaluate(cloudEvent) is { Kind: ValueKind.Bool, Bool: true });
        }
    }

    private sealed record Comparison(string Operator, Node Left, Node Right) : Node
    {
        public override Value Evaluate(JsonNode? cloudEvent)
        {
            var left = Left.Evaluate(cloudEvent);
            var right = Right.Evaluate(cloudEvent);
            if (left.Kind is ValueKind.Missing or ValueKind.Other || right.Kind is ValueKind.Missing or ValueKind.Other)
            {
                return new Value(ValueKind.Bool, Bool: false);
            }

            int? order = (left.Kind, right.Kind) switch
            {
                (ValueKind.Number, ValueKind.Number) => left.Number.CompareTo(right.Number),
                (ValueKind.String, ValueKind.String) => string.CompareOrdinal(left.String, right.String),
                (ValueKind.Bool, ValueKind.Bool) => left.Bool.CompareTo(right.Bool),
                (ValueKind.Null, ValueKind.Null) => 0,
                _ => null,
            };
            var result = Operator switch
            {
                "==" => order == 0,
                "!=" => order != 0,
                "<" => order < 0,
                "<=" => order <= 0,
                ">" => order > 0,
                ">=" => order >= 0,
                _ => false,
            };
            return new Value(ValueKind.Bool, Bool: result);
        }
    }

    private sealed class Parser(string text)
    {
        private int _position;

        public Node ParseAll()
        {
            var node = ParseOr();
            SkipSpace();
            if (_position < text.Length)
            {
                throw Error($"unexpected '{text[_position..]}'");
            }

            return node;
        }

        private Node ParseOr()
        {
            var left = ParseAnd();
            while (Accept("||"))
            {
                left = new Logical(false, left, ParseAnd());
            }

            return left;
        }

        private Node ParseAnd()
        {
            var left = ParseUnary();
            while (Accept("&&"))
            {
                left = new Logical(true, left, ParseUnary());
            }

            return left;
        }

        private Node ParseUnary()
        {
            SkipSpace();
            if (Peek("!") && !Peek("!="))
            {
                _position++;
                return new Not(ParseUnary());
            }

            var left = ParsePrimary();
            foreach (var op in new[] { "==", "!=", "<=", ">=", "<", ">" })
            {
                if (Accept(op))
                {
                    return new Comparison(op, left, ParsePrimary());
                }
            }

            return left;
        }

        private Node ParsePrimary()
        {
            SkipSpace();
            if (_position >= text.Length)
            {
                throw Error("the expression ends too early");
            }

            var c = text[_position];
            if (c == '(')
            {
                _position++;
                var inner = ParseOr();
                if (!Accept(")"))
                {
                    throw Error("missing ')'");
                }

                return inner;
            }

            if (c is '"' or '\'')
            {
                return new Literal(new Value(ValueKind.String, String: ReadString()));
            }

            if (char.IsDigit(c) || (c == '-' && _position + 1 < text.Length && char.IsDigit(text[_position + 1])))
            {
                var start = _position++;
                while (_position < text.Length && (char.IsDigit(text[_position]) || text[_position] is '.' or 'e' or 'E'))
                {
                    _position++;
                }

                var number = text[start.._position];
                return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                    ? new Literal(new Value(ValueKind.Number, Number: value))
                    : throw Error($"'{number}' is not a number");
            }

            var identifier = ReadIdentifier();
            switch (identifier)
            {
                case "true":
                    return new Literal(new Value(ValueKind.Bool, Bool: true));
                case "false":
                    return new Literal(new Value(ValueKind.Bool, Bool: false));
                case "null":
                    return new Literal(new Value(ValueKind.Null));
                case "event":
                    break;
                default:
                    throw Error($"'{identifier}' is not supported (only paths from 'event', literals, comparisons, &&, ||, !)");
            }

            var segments = new List<string>();
            while (true)
            {
                if (_position < text.Length && text[_position] == '.')
                {
                    _position++;
                    segments.Add(ReadIdentifier());
                }
                else if (_position < text.Length && text[_position] == '[')
                {
                    _position++;
                    SkipSpace();
                    segments.Add(ReadString());
                    if (!Accept("]"))
                    {
                        throw Error("missing ']'");
                    }
                }
                else
                {
                    break;
                }
            }

            SkipSpace();
            if (_position < text.Length && text[_position] == '(')
            {
                throw Error("function calls are not supported");
            }

            return new PathNode(segments);
        }

        private string ReadIdentifier()
        {
            SkipSpace();
            var start = _position;
            while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] == '_'))
            {
                _position++;
            }

            return _position > start ? text[start.._position] : throw Error($"expected a name at '{text[start..]}'");
        }

        private string ReadString()
        {
            var quote = text[_position];
            if (quote is not ('"' or '\''))
            {
                throw Error("expected a string");
            }

            var builder = new System.Text.StringBuilder();
            _position++;
            while (_position < text.Length && text[_position] != quote)
            {
                if (text[_position] == '\\' && _position + 1 < text.Length)
                {
                    _position++;
                }

                builder.Append(text[_position++]);
            }

            if (_position >= text.Length)
            {
                throw Error("unterminated string");
            }

            _position++;
            return builder.ToString();
        }

        private bool Peek(string token) => string.CompareOrdinal(text, _position, token, 0, token.Length) == 0;

        private bool Accept(string token)
        {
            SkipSpace();
            if (!Peek(token))
            {
                return false;
            }

            _position += token.Length;
            return true;
        }

        private void SkipSpace()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        private FormatException Error(string reason) => new($"routing rule match '{text}': {reason}");
    }
}
