using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LeastPriv.Core.Tests.Toolkit;

/// <summary>
/// Reads the subset of HCL the exporter writes (blocks, attributes, strings, tuples, objects,
/// function calls, traversals) so tests can check an export by its structure, not its text.
/// </summary>
internal sealed class HclReader
{
    private readonly List<(char Kind, string Text)> _tokens;
    private int _position;

    private HclReader(string text) => _tokens = Tokenize(text);

    public sealed class Block
    {
        public string Type { get; init; } = string.Empty;

        public List<string> Labels { get; } = new();

        public HclBody Body { get; init; } = new();
    }

    public sealed class HclBody
    {
        public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);

        public List<Block> Blocks { get; } = new();
    }

    /// <summary>A function call such as jsonencode(...), or a traversal (Name = "data.x.y.json", Argument = null).</summary>
    public sealed record Call(string Name, object? Argument);

    public static HclBody Parse(string text)
    {
        var reader = new HclReader(text);
        var body = reader.ReadBody(endToken: '\0');
        return body;
    }

    /// <summary>An HCL value (from jsonencode) as JSON text.</summary>
    public static string ToJson(object? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case string s:
                writer.WriteStringValue(s);
                break;
            case List<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case List<KeyValuePair<string, object?>> map:
                writer.WriteStartObject();
                foreach (var entry in map)
                {
                    writer.WritePropertyName(entry.Key);
                    Write(writer, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                throw new InvalidOperationException("not a JSON value: " + value);
        }
    }

    private HclBody ReadBody(char endToken)
    {
        var body = new HclBody();
        while (true)
        {
            var token = Peek();
            if (token.Kind == endToken)
            {
                _position++;
                return body;
            }

            var name = Expect('i').Text;
            if (Peek().Kind == '=')
            {
                _position++;
                body.Attributes.Add(name, ReadExpression());
                continue;
            }

            var labels = new List<string>();
            while (Peek().Kind == 's')
            {
                labels.Add(Next().Text);
            }

            Expect('{');
            var block = new Block { Type = name, Body = ReadBody('}') };
            block.Labels.AddRange(labels);
            body.Blocks.Add(block);
        }
    }

    private object? ReadExpression()
    {
        var token = Next();
        switch (token.Kind)
        {
            case 's':
                return token.Text;
            case '[':
            {
                var list = new List<object?>();
                while (Peek().Kind != ']')
                {
                    list.Add(ReadExpression());
                    if (Peek().Kind == ',')
                    {
                        _position++;
                    }
                }

                _position++;
                return list;
            }

            case '{':
            {
                var map = new List<KeyValuePair<string, object?>>();
                while (Peek().Kind != '}')
                {
                    var key = Next();
                    if (key.Kind != 'i' && key.Kind != 's')
                    {
                        throw new FormatException("object key expected, got " + key.Text);
                    }

                    Expect('=');
                    map.Add(new KeyValuePair<string, object?>(key.Text, ReadExpression()));
                    if (Peek().Kind == ',')
                    {
                        _position++;
                    }
                }

                _position++;
                return map;
            }

            case 'i':
                if (token.Text is "true" or "false")
                {
                    return token.Text == "true";
                }

                if (token.Text == "null")
                {
                    return null;
                }

                if (Peek().Kind == '(')
                {
                    _position++;
                    var argument = ReadExpression();
                    Expect(')');
                    return new Call(token.Text, argument);
                }

                var path = new StringBuilder(token.Text);
                while (Peek().Kind == '.')
                {
                    _position++;
                    path.Append('.').Append(Expect('i').Text);
                }

                return new Call(path.ToString(), null);
            default:
                throw new FormatException("unexpected token " + token.Text);
        }
    }

    private (char Kind, string Text) Peek() => _position < _tokens.Count ? _tokens[_position] : ('\0', string.Empty);

    private (char Kind, string Text) Next() => _tokens[_position++];

    private (char Kind, string Text) Expect(char kind)
    {
        var token = Next();
        if (token.Kind != kind)
        {
            throw new FormatException($"expected '{kind}', got '{token.Text}' at token {_position}");
        }

        return token;
    }

    private static List<(char, string)> Tokenize(string text)
    {
        var tokens = new List<(char, string)>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '"')
            {
                var value = new StringBuilder();
                i++;
                while (text[i] != '"')
                {
                    if (text[i] == '\\')
                    {
                        var e = text[i + 1];
                        i += 2;
                        switch (e)
                        {
                            case 'n': value.Append('\n'); break;
                            case 'r': value.Append('\r'); break;
                            case 't': value.Append('\t'); break;
                            case 'u':
                                value.Append((char)int.Parse(text.Substring(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                                i += 4;
                                break;
                            default: value.Append(e); break;
                        }
                    }
                    else if ((text[i] == '$' || text[i] == '%') && i + 2 < text.Length && text[i + 1] == text[i] && text[i + 2] == '{')
                    {
                        value.Append(text[i]).Append('{');
                        i += 3;
                    }
                    else if ((text[i] == '$' || text[i] == '%') && text[i + 1] == '{')
                    {
                        throw new FormatException("unescaped template sequence in a string: " + text.Substring(i, Math.Min(20, text.Length - i)));
                    }
                    else
                    {
                        value.Append(text[i]);
                        i++;
                    }
                }

                i++;
                tokens.Add(('s', value.ToString()));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_' || text[i] == '-'))
                {
                    i++;
                }

                tokens.Add(('i', text.Substring(start, i - start)));
            }
            else if ("{}[]()=,.".IndexOf(c) >= 0)
            {
                tokens.Add((c, c.ToString()));
                i++;
            }
            else
            {
                throw new FormatException($"unexpected character '{c}'");
            }
        }

        return tokens;
    }
}
