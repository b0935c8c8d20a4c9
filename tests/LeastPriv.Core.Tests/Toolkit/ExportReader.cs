using System.Text;
using System.Text.Json;
using LeastPriv.Core.Policy;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace LeastPriv.Core.Tests.Toolkit;

/// <summary>Reads exported files back into policy models with real parsers (YamlDotNet, System.Text.Json, an HCL reader).</summary>
internal static class ExportReader
{
    public static List<PolicyDocument> FromCloudFormationYaml(string yaml)
    {
        var graph = new DeserializerBuilder().Build().Deserialize<object>(yaml);
        var json = YamlGraphToJson(graph);
        return FromCloudFormationJson(json);
    }

    public static List<PolicyDocument> FromCloudFormationJson(string json)
    {
        using var template = JsonDocument.Parse(json);
        var result = new List<PolicyDocument>();
        foreach (var resource in template.RootElement.GetProperty("Resources").EnumerateObject())
        {
            if (resource.Value.GetProperty("Type").GetString() != "AWS::IAM::ManagedPolicy")
            {
                throw new InvalidDataException("unexpected resource type in " + resource.Name);
            }

            result.Add(PolicyDocument.Parse(resource.Value.GetProperty("Properties").GetProperty("PolicyDocument").GetRawText()));
        }

        return result;
    }

    public static List<PolicyDocument> FromTerraformJsonEncode(string hcl)
    {
        var body = HclReader.Parse(hcl);
        return body.Blocks
            .Where(b => b.Type == "resource" && b.Labels[0] == "aws_iam_policy")
            .Select(b =>
            {
                var call = (HclReader.Call)b.Body.Attributes["policy"]!;
                if (call.Name != "jsonencode")
                {
                    throw new InvalidDataException("policy is not jsonencode(...)");
                }

                return PolicyDocument.Parse(HclReader.ToJson(call.Argument));
            })
            .ToList();
    }

    public static List<PolicyDocument> FromTerraformPolicyDocument(string hcl)
    {
        var body = HclReader.Parse(hcl);
        var documents = body.Blocks
            .Where(b => b.Type == "data" && b.Labels[0] == "aws_iam_policy_document")
            .ToDictionary(b => b.Labels[1], ToDocument);
        return body.Blocks
            .Where(b => b.Type == "resource" && b.Labels[0] == "aws_iam_policy")
            .Select(b =>
            {
                var reference = (HclReader.Call)b.Body.Attributes["policy"]!;
                var parts = reference.Name.Split('.');
                if (parts.Length != 4 || parts[0] != "data" || parts[1] != "aws_iam_policy_document" || parts[3] != "json")
                {
                    throw new InvalidDataException("policy does not reference a policy document: " + reference.Name);
                }

                return documents[parts[2]];
            })
            .ToList();
    }

    private static PolicyDocument ToDocument(HclReader.Block data)
    {
        var statements = data.Body.Blocks.Where(b => b.Type == "statement").Select(s =>
        {
            var a = s.Body.Attributes;
            var condition = PolicyCondition.Empty;
            foreach (var c in s.Body.Blocks.Where(b => b.Type == "condition"))
            {
                condition = condition.With((string)c.Body.Attributes["test"]!, (string)c.Body.Attributes["variable"]!, Strings(c.Body.Attributes["values"])!);
            }

            return new PolicyStatement
            {
                Sid = a.TryGetValue("sid", out var sid) ? (string)sid! : null,
                Effect = a.TryGetValue("effect", out var effect) && (string)effect! == "Deny" ? PolicyEffect.Deny : PolicyEffect.Allow,
                Action = Strings(a.GetValueOrDefault("actions")),
                NotAction = Strings(a.GetValueOrDefault("not_actions")),
                Resource = Strings(a.GetValueOrDefault("resources")),
                NotResource = Strings(a.GetValueOrDefault("not_resources")),
                Principal = Principals(s.Body.Blocks.Where(b => b.Type == "principals").ToList()),
                NotPrincipal = Principals(s.Body.Blocks.Where(b => b.Type == "not_principals").ToList()),
                Condition = condition,
            };
        }).ToList();
        return new PolicyDocument
        {
            Version = data.Body.Attributes.TryGetValue("version", out var v) ? (string)v! : null,
            Id = data.Body.Attributes.TryGetValue("policy_id", out var id) ? (string)id! : null,
            Statements = statements,
        };
    }

    private static PolicyPrincipal? Principals(List<HclReader.Block> blocks)
    {
        if (blocks.Count == 0)
        {
            return null;
        }

        if (blocks.Count == 1 && (string)blocks[0].Body.Attributes["type"]! == "*")
        {
            return PolicyPrincipal.Anyone;
        }

        return PolicyPrincipal.Of(blocks.Select(b => new KeyValuePair<string, IEnumerable<string>>((string)b.Body.Attributes["type"]!, Strings(b.Body.Attributes["identifiers"])!)));
    }

    private static List<string>? Strings(object? value) => value is null ? null : ((List<object?>)value).Cast<string>().ToList();

    private static string YamlGraphToJson(object? graph)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteYaml(writer, graph);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteYaml(Utf8JsonWriter writer, object? node)
    {
        switch (node)
        {
            case IDictionary<object, object> map:
                writer.WriteStartObject();
                foreach (var entry in map)
                {
                    writer.WritePropertyName((string)entry.Key);
                    WriteYaml(writer, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case IList<object> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteYaml(writer, item);
                }

                writer.WriteEndArray();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            default:
                throw new InvalidDataException("unexpected YAML node " + node);
        }
    }

    /// <summary>Every plain (unquoted) scalar of a YAML text, to check none would be read as a non-string.</summary>
    public static IEnumerable<string> PlainScalars(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.SelectMany(d => d.AllNodes)
            .OfType<YamlScalarNode>()
            .Where(s => s.Style == YamlDotNet.Core.ScalarStyle.Plain)
            .Select(s => s.Value ?? string.Empty);
    }
}
