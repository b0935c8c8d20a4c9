using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LeastPriv.Core.Policy;

/// <summary>Writes the policy model as IAM JSON (see <see cref="PolicyDocument"/> for the rules).</summary>
internal static class PolicyJsonWriter
{
    // Relaxed escaping keeps '+', '<', '&' and non-ASCII as written: ARNs and condition values
    // stay readable and the size IAM counts is not inflated by \uXXXX escapes.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static string WriteDocument(PolicyDocument document, bool indented) =>
        Write(indented, writer =>
        {
            writer.WriteStartObject();
            if (document.Version is not null)
            {
                writer.WriteString("Version", document.Version);
            }

            if (document.Id is not null)
            {
                writer.WriteString("Id", document.Id);
            }

            writer.WriteStartArray("Statement");
            foreach (var statement in document.Statements)
            {
                WriteStatement(writer, statement);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });

    public static string WriteStatement(PolicyStatement statement, bool indented) =>
        Write(indented, writer => WriteStatement(writer, statement));

    private static string Write(bool indented, Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = Encoder }))
        {
            body(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteStatement(Utf8JsonWriter writer, PolicyStatement statement)
    {
        writer.WriteStartObject();
        if (statement.Sid is not null)
        {
            writer.WriteString("Sid", statement.Sid);
        }

        writer.WriteString("Effect", statement.Effect == PolicyEffect.Allow ? "Allow" : "Deny");
        WritePrincipal(writer, "Principal", statement.Principal);
        WritePrincipal(writer, "NotPrincipal", statement.NotPrincipal);
        WriteValues(writer, "Action", statement.Action);
        WriteValues(writer, "NotAction", statement.NotAction);
        WriteValues(writer, "Resource", statement.Resource);
        WriteValues(writer, "NotResource", statement.NotResource);
        if (!statement.Condition.IsEmpty)
        {
            writer.WriteStartObject("Condition");
            foreach (var op in statement.Condition.Operators)
            {
                writer.WriteStartObject(op);
                foreach (var clause in statement.Condition.Clauses.Where(c => string.Equals(c.Operator, op, StringComparison.Ordinal)))
                {
                    WriteValues(writer, clause.Key, clause.Values);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WritePrincipal(Utf8JsonWriter writer, string name, PolicyPrincipal? principal)
    {
        if (principal is null)
        {
            return;
        }

        if (principal.IsAnyone)
        {
            writer.WriteString(name, "*");
            return;
        }

        writer.WriteStartObject(name);
        foreach (var entry in principal.Entries)
        {
            WriteValues(writer, entry.Key, entry.Value);
        }

        writer.WriteEndObject();
    }

    private static void WriteValues(Utf8JsonWriter writer, string name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        if (values.Count == 1)
        {
            writer.WriteString(name, values[0]);
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
