using System.Text.Json;

namespace LeastPriv.Core.Policy;

/// <summary>
/// Reads IAM policy JSON into the model, following the policy grammar
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html):
/// element names as IAM spells them (case-sensitive, unknown elements rejected), Effect exactly
/// "Allow" or "Deny", Version 2012-10-17 or 2008-10-17, a statement needs Action or NotAction
/// (not both), and at most one of Resource/NotResource and of Principal/NotPrincipal.
/// </summary>
internal static class PolicyJsonReader
{
    private static readonly HashSet<string> StatementElements = new(StringComparer.Ordinal)
    {
        "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition",
    };

    public static PolicyDocument Parse(string json)
    {
        if (json is null)
        {
            throw new ArgumentNullException(nameof(json));
        }

        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException ex)
        {
            throw new LeastPrivException("PolicyJsonMalformed", LPErrorCategory.ParserError, $"The policy is not valid JSON: {ex.Message}", json, ex)
            {
                RecommendedAction = "Check the policy text for a missing quote, comma or brace.",
            };
        }

        using (parsed)
        {
            return ReadDocument(parsed.RootElement, json);
        }
    }

    private static PolicyDocument ReadDocument(JsonElement root, string json)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(json, "$", "a policy must be a JSON object");
        }

        string? version = null;
        string? id = null;
        List<PolicyStatement>? statements = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw Invalid(json, "$." + property.Name, "the element appears twice");
            }

            switch (property.Name)
            {
                case "Version":
                    version = ReadString(property.Value, json, "$.Version");
                    if (version != PolicyDocument.Version2012 && version != PolicyDocument.Version2008)
                    {
                        throw Invalid(json, "$.Version", $"'{version}' is not a policy language version (use {PolicyDocument.Version2012})");
                    }

                    break;
                case "Id":
                    id = ReadString(property.Value, json, "$.Id");
                    break;
                case "Statement":
                    statements = new List<PolicyStatement>();
                    if (property.Value.ValueKind == JsonValueKind.Array)
                    {
                        var index = 0;
                        foreach (var item in property.Value.EnumerateArray())
                        {
                            statements.Add(ReadStatement(item, json, $"$.Statement[{index++}]"));
                        }
                    }
                    else
                    {
                        statements.Add(ReadStatement(property.Value, json, "$.Statement"));
                    }

                    break;
                default:
                    throw Invalid(json, "$." + property.Name, "unknown policy element (element names are case-sensitive: Version, Id, Statement)");
            }
        }

        if (statements is null)
        {
            throw Invalid(json, "$", "the policy has no Statement element");
        }

        return new PolicyDocument { Version = version, Id = id, Statements = statements };
    }

    private static PolicyStatement ReadStatement(JsonElement element, string json, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(json, path, "a statement must be a JSON object");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!StatementElements.Contains(property.Name))
            {
                throw Invalid(json, $"{path}.{property.Name}", "unknown statement element (element names are case-sensitive)");
            }

            if (!seen.Add(property.Name))
            {
                throw Invalid(json, $"{path}.{property.Name}", "the element appears twice");
            }
        }

        PolicyEffect effect;
        if (!element.TryGetProperty("Effect", out var effectElement))
        {
            throw Invalid(json, path, "the statement has no Effect");
        }

        var effectText = ReadString(effectElement, json, path + ".Effect");
        effect = effectText switch
        {
            "Allow" => PolicyEffect.Allow,
            "Deny" => PolicyEffect.Deny,
            _ => throw Invalid(json, path + ".Effect", $"'{effectText}' is not an effect (exactly 'Allow' or 'Deny')"),
        };

        var statement = new PolicyStatement
        {
            Sid = element.TryGetProperty("Sid", out var sid) ? ReadString(sid, json, path + ".Sid") : null,
            Effect = effect,
            Principal = element.TryGetProperty("Principal", out var principal) ? ReadPrincipal(principal, json, path + ".Principal") : null,
            NotPrincipal = element.TryGetProperty("NotPrincipal", out var notPrincipal) ? ReadPrincipal(notPrincipal, json, path + ".NotPrincipal") : null,
            Action = ReadOptionalStrings(element, "Action", json, path),
            NotAction = ReadOptionalStrings(element, "NotAction", json, path),
            Resource = ReadOptionalStrings(element, "Resource", json, path),
            NotResource = ReadOptionalStrings(element, "NotResource", json, path),
            Condition = element.TryGetProperty("Condition", out var condition) ? ReadCondition(condition, json, path + ".Condition") : PolicyCondition.Empty,
        };

        if ((statement.Action is null) == (statement.NotAction is null))
        {
            throw Invalid(json, path, "a statement needs exactly one of Action or NotAction");
        }

        if (statement.Resource is not null && statement.NotResource is not null)
        {
            throw Invalid(json, path, "a statement cannot have both Resource and NotResource");
        }

        if (statement.Principal is not null && statement.NotPrincipal is not null)
        {
            throw Invalid(json, path, "a statement cannot have both Principal and NotPrincipal");
        }

        return statement;
    }

    private static PolicyPrincipal ReadPrincipal(JsonElement element, string json, string path)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            if (element.GetString() != "*")
            {
                throw Invalid(json, path, "a principal given as a string must be \"*\" (otherwise use {\"AWS\": ...})");
            }

            return PolicyPrincipal.Anyone;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(json, path, "a principal must be \"*\" or an object of principal types");
        }

        var entries = new List<KeyValuePair<string, IEnumerable<string>>>();
        foreach (var property in element.EnumerateObject())
        {
            entries.Add(new KeyValuePair<string, IEnumerable<string>>(property.Name, ReadStrings(property.Value, json, $"{path}.{property.Name}", allowScalars: false)));
        }

        return PolicyPrincipal.Of(entries);
    }

    private static PolicyCondition ReadCondition(JsonElement element, string json, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(json, path, "Condition must be an object of operators");
        }

        var clauses = new List<ConditionClause>();
        foreach (var op in element.EnumerateObject())
        {
            if (op.Value.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(json, $"{path}.{op.Name}", "a condition operator must map context keys to values");
            }

            if (op.Name.Length == 0)
            {
                throw Invalid(json, path, "a condition operator cannot be empty");
            }

            foreach (var key in op.Value.EnumerateObject())
            {
                if (key.Name.Length == 0)
                {
                    throw Invalid(json, $"{path}.{op.Name}", "a condition key cannot be empty");
                }

                clauses.Add(new ConditionClause(op.Name, key.Name, ReadStrings(key.Value, json, $"{path}.{op.Name}.{key.Name}", allowScalars: true)));
            }
        }

        return PolicyCondition.Of(clauses);
    }

    private static IReadOnlyList<string>? ReadOptionalStrings(JsonElement statement, string name, string json, string path) =>
        statement.TryGetProperty(name, out var value) ? ReadStrings(value, json, $"{path}.{name}", allowScalars: false) : null;

    /// <summary>IAM's "string or array of strings"; condition values may also be JSON booleans or numbers.</summary>
    private static List<string> ReadStrings(JsonElement element, string json, string path, bool allowScalars)
    {
        var result = new List<string>();
        if (element.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                result.Add(ReadScalar(item, json, $"{path}[{index++}]", allowScalars));
            }
        }
        else
        {
            result.Add(ReadScalar(element, json, path, allowScalars));
        }

        return result;
    }

    private static string ReadScalar(JsonElement element, string json, string path, bool allowScalars) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.True when allowScalars => "true",
        JsonValueKind.False when allowScalars => "false",
        JsonValueKind.Number when allowScalars => element.GetRawText(),
        _ => throw Invalid(json, path, allowScalars ? "expected a string, boolean or number" : "expected a string or an array of strings"),
    };

    private static string ReadString(JsonElement element, string json, string path) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : throw Invalid(json, path, "expected a string");

    private static LeastPrivException Invalid(string json, string path, string problem) =>
        new("PolicyDocumentInvalid", LPErrorCategory.InvalidData, $"The policy is not a valid IAM policy at {path}: {problem}.", json)
        {
            RecommendedAction = "Correct the policy; the IAM policy grammar is at https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html",
        };
}
