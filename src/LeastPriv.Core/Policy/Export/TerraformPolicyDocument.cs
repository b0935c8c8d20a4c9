using System.Text;

namespace LeastPriv.Core.Policy.Export;

/// <summary>
/// Writes a policy as a Terraform <c>aws_iam_policy_document</c> data source: one
/// <c>statement</c> block per statement, with <c>condition</c> and <c>principals</c> blocks
/// (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document).
/// </summary>
internal static class TerraformPolicyDocument
{
    public static void Write(StringBuilder output, PolicyDocument document, string name)
    {
        output.Append("data \"aws_iam_policy_document\" ").Append(HclText.String(name)).Append(" {\n");
        var header = new List<(string, Action<StringBuilder>)>();
        if (document.Id is not null)
        {
            header.Add(("policy_id", o => o.Append(HclText.String(document.Id))));
        }

        if (document.Version is not null)
        {
            header.Add(("version", o => o.Append(HclText.String(document.Version))));
        }

        HclText.WriteAttributes(output, header, 2);
        foreach (var statement in document.Statements)
        {
            output.Append('\n');
            WriteStatement(output, statement);
        }

        output.Append("}\n");
    }

    private static void WriteStatement(StringBuilder output, PolicyStatement statement)
    {
        output.Append("  statement {\n");
        var attributes = new List<(string, Action<StringBuilder>)>();
        if (statement.Sid is not null)
        {
            attributes.Add(("sid", o => o.Append(HclText.String(statement.Sid))));
        }

        attributes.Add(("effect", o => o.Append(HclText.String(statement.Effect.ToString()))));
        AddList(attributes, "actions", statement.Action);
        AddList(attributes, "not_actions", statement.NotAction);
        AddList(attributes, "resources", statement.Resource);
        AddList(attributes, "not_resources", statement.NotResource);
        HclText.WriteAttributes(output, attributes, 4);
        WritePrincipals(output, "principals", statement.Principal);
        WritePrincipals(output, "not_principals", statement.NotPrincipal);
        foreach (var clause in statement.Condition.Clauses)
        {
            output.Append('\n').Append("    condition {\n");
            HclText.WriteAttributes(
                output,
                new List<(string, Action<StringBuilder>)>
                {
                    ("test", o => o.Append(HclText.String(clause.Operator))),
                    ("variable", o => o.Append(HclText.String(clause.Key))),
                    ("values", o => HclText.WriteStringList(o, clause.Values, 6)),
                },
                6);
            output.Append("    }\n");
        }

        output.Append("  }\n");
    }

    private static void AddList(List<(string, Action<StringBuilder>)> attributes, string name, IReadOnlyList<string>? values)
    {
        if (values is not null)
        {
            attributes.Add((name, o => HclText.WriteStringList(o, values, 4)));
        }
    }

    private static void WritePrincipals(StringBuilder output, string block, PolicyPrincipal? principal)
    {
        if (principal is null)
        {
            return;
        }

        // "Principal": "*" is written by the provider for type "*" with identifier "*".
        var entries = principal.IsAnyone
            ? new[] { new KeyValuePair<string, IReadOnlyList<string>>("*", new[] { "*" }) }
            : principal.Entries.ToArray();
        foreach (var entry in entries)
        {
            output.Append('\n').Append("    ").Append(block).Append(" {\n");
            HclText.WriteAttributes(
                output,
                new List<(string, Action<StringBuilder>)>
                {
                    ("type", o => o.Append(HclText.String(entry.Key))),
                    ("identifiers", o => HclText.WriteStringList(o, entry.Value, 6)),
                },
                6);
            output.Append("    }\n");
        }
    }
}
