using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LeastPriv.Core.Policy.Export;

/// <summary>
/// HCL (Terraform) text: string literals with Terraform's escapes, identifiers, and a JSON tree
/// as an HCL object/tuple expression for <c>jsonencode(...)</c>.
/// </summary>
/// <remarks>
/// <c>${</c> and <c>%{</c> start interpolation and template directives in every Terraform string
/// literal, so IAM policy variables such as <c>${aws:username}</c> are written <c>$${aws:username}</c>
/// (https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences).
/// </remarks>
internal static class HclText
{
    private static readonly Regex Identifier = new("^[A-Za-z_][A-Za-z0-9_-]*$", RegexOptions.CultureInvariant);

    public static string String(string value)
    {
        var builder = new StringBuilder("\"");
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var next = i + 1 < value.Length ? value[i + 1] : '\0';
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
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '$' when next == '{':
                    builder.Append("$$");
                    break;
                case '%' when next == '{':
                    builder.Append("%%");
                    break;
                default:
                    if (c < ' ' || c == '\u007f')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
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

    /// <summary>An object key: bare when it is an identifier, quoted otherwise (<c>"aws:SourceIp"</c>).</summary>
    public static string Key(string name) => Identifier.IsMatch(name) ? name : String(name);

    /// <summary>A list of strings, on one line when short, one item per line otherwise.</summary>
    public static void WriteStringList(StringBuilder output, IReadOnlyList<string> values, int indent)
    {
        var inline = "[" + string.Join(", ", values.Select(String)) + "]";
        if (values.Count <= 1 || indent + inline.Length <= 100)
        {
            output.Append(inline);
            return;
        }

        output.Append("[\n");
        foreach (var value in values)
        {
            output.Append(' ', indent + 2).Append(String(value)).Append(",\n");
        }

        output.Append(' ', indent).Append(']');
    }

    /// <summary>Writes <paramref name="value"/> as an HCL expression; nested lines are indented from <paramref name="indent"/>.</summary>
    public static void WriteValue(StringBuilder output, JsonElement value, int indent)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(output, value, indent);
                break;
            case JsonValueKind.Array:
                if (value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String))
                {
                    WriteStringList(output, value.EnumerateArray().Select(v => v.GetString()!).ToList(), indent);
                    break;
                }

                output.Append("[\n");
                foreach (var item in value.EnumerateArray())
                {
                    output.Append(' ', indent + 2);
                    WriteValue(output, item, indent + 2);
                    output.Append(",\n");
                }

                output.Append(' ', indent).Append(']');
                break;
            case JsonValueKind.String:
                output.Append(String(value.GetString()!));
                break;
            case JsonValueKind.Number:
                output.Append(value.GetRawText());
                break;
            case JsonValueKind.True:
                output.Append("true");
                break;
            case JsonValueKind.False:
                output.Append("false");
                break;
            default:
                output.Append("null");
                break;
        }
    }

    private static void WriteObject(StringBuilder output, JsonElement value, int indent)
    {
        var properties = value.EnumerateObject().ToList();
        if (properties.Count == 0)
        {
            output.Append("{}");
            return;
        }

        output.Append("{\n");
        WriteAttributes(output, properties.Select(p => (Key(p.Name), (Action<StringBuilder>)(o => WriteValue(o, p.Value, indent + 2)))).ToList(), indent + 2);
        output.Append(' ', indent).Append('}');
    }

    /// <summary>
    /// <c>name = value</c> lines with the equals signs of consecutive one-line attributes aligned,
    /// as <c>terraform fmt</c> lays them out.
    /// </summary>
    public static void WriteAttributes(StringBuilder output, IReadOnlyList<(string Name, Action<StringBuilder> Value)> attributes, int indent)
    {
        var rendered = attributes.Select(a =>
        {
            var text = new StringBuilder();
            a.Value(text);
            return (a.Name, Text: text.ToString());
        }).ToList();
        var i = 0;
        while (i < rendered.Count)
        {
            // A run of attributes up to and including the first multi-line one shares one column.
            var end = i;
            while (end < rendered.Count - 1 && rendered[end].Text.IndexOf('\n') < 0)
            {
                end++;
            }

            var width = rendered.Skip(i).Take(end - i + 1).Max(r => r.Name.Length);
            for (var k = i; k <= end; k++)
            {
                output.Append(' ', indent).Append(rendered[k].Name.PadRight(width)).Append(" = ").Append(rendered[k].Text).Append('\n');
            }

            i = end + 1;
        }
    }

    /// <summary>A Terraform name (resource or data source label): lower case, letters, digits and underscores.</summary>
    public static string Label(string name)
    {
        var builder = new StringBuilder();
        foreach (var c in name)
        {
            builder.Append(c < 128 && char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_');
        }

        var label = Regex.Replace(builder.ToString(), "_+", "_").Trim('_');
        if (label.Length == 0)
        {
            return "policy";
        }

        return char.IsDigit(label[0]) ? "policy_" + label : label;
    }
}
