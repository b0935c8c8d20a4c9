using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LeastPriv.Core.Policy.Export;

/// <summary>
/// Writes a JSON tree as block-style YAML: mappings and sequences indented by two spaces, and a
/// scalar left plain only when it cannot be read as anything but that string (YAML 1.1 readers,
/// CloudFormation's among them, take <c>yes</c>, <c>on</c>, <c>2012-10-17</c> or <c>012</c> as
/// booleans, dates and numbers), otherwise single-quoted.
/// </summary>
internal static class YamlText
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "y", "n", "yes", "no", "true", "false", "on", "off", "null", "nan", "inf",
    };

    public static void WriteMapping(StringBuilder output, JsonElement mapping, int indent)
    {
        foreach (var property in mapping.EnumerateObject())
        {
            output.Append(' ', indent);
            WriteEntry(output, property, indent);
        }
    }

    private static void WriteEntry(StringBuilder output, JsonProperty property, int indent)
    {
        output.Append(Scalar(property.Name)).Append(':');
        WriteValueAfterKey(output, property.Value, indent);
    }

    private static void WriteValueAfterKey(StringBuilder output, JsonElement value, int indent)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when HasItems(value):
                output.Append('\n');
                WriteMapping(output, value, indent + 2);
                break;
            case JsonValueKind.Array when HasItems(value):
                output.Append('\n');
                WriteSequence(output, value, indent + 2);
                break;
            default:
                output.Append(' ').Append(Inline(value)).Append('\n');
                break;
        }
    }

    private static void WriteSequence(StringBuilder output, JsonElement sequence, int indent)
    {
        foreach (var item in sequence.EnumerateArray())
        {
            output.Append(' ', indent).Append("- ");
            if (item.ValueKind == JsonValueKind.Object && HasItems(item))
            {
                var first = true;
                foreach (var property in item.EnumerateObject())
                {
                    if (!first)
                    {
                        output.Append(' ', indent + 2);
                    }

                    WriteEntry(output, property, indent + 2);
                    first = false;
                }
            }
            else if (item.ValueKind == JsonValueKind.Array && HasItems(item))
            {
                output.Append('\n');
                WriteSequence(output, item, indent + 2);
            }
            else
            {
                output.Append(Inline(item)).Append('\n');
            }
        }
    }

    private static bool HasItems(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object ? element.EnumerateObject().Any() : element.EnumerateArray().Any();

    private static string Inline(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "{}",
        JsonValueKind.Array => "[]",
        JsonValueKind.String => Scalar(value.GetString()!),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };

    public static string Scalar(string text)
    {
        if (IsPlain(text))
        {
            return text;
        }

        if (text.Any(c => c < ' ' || c == '\u007f'))
        {
            return DoubleQuoted(text);
        }

        return "'" + text.Replace("'", "''") + "'";
    }

    private static bool IsPlain(string text)
    {
        if (text.Length == 0 || !char.IsLetter(text[0]) || text[0] > 127 || Reserved.Contains(text) || text[text.Length - 1] == ':')
        {
            return false;
        }

        foreach (var c in text)
        {
            var allowed = (c < 128 && char.IsLetterOrDigit(c)) || c == '_' || c == '-' || c == '.' || c == '/' || c == ':';
            if (!allowed)
            {
                return false;
            }
        }

        return true;
    }

    private static string DoubleQuoted(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                default:
                    if (c < ' ' || c == '\u007f')
                    {
                        builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
