using System.Text.Json;

namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>Evaluates whether a role trust policy lets a service principal call sts:AssumeRole.</summary>
public static class TrustPolicy
{
    public static bool AllowsService(string policyJson, string servicePrincipal)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(policyJson);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            if (!document.RootElement.TryGetProperty("Statement", out var statements))
            {
                return false;
            }

            var list = statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray().ToArray() : [statements];
            var allowed = false;
            foreach (var statement in list)
            {
                if (statement.ValueKind != JsonValueKind.Object || !MatchesAction(statement) || !MatchesPrincipal(statement, servicePrincipal))
                {
                    continue;
                }

                var effect = statement.TryGetProperty("Effect", out var e) ? e.GetString() : null;
                if (effect == "Deny")
                {
                    return false;
                }

                // Conditions (aws:SourceAccount, aws:SourceArn) hold for the service acting for this account.
                allowed |= effect == "Allow";
            }

            return allowed;
        }
    }

    private static bool MatchesAction(JsonElement statement) =>
        statement.TryGetProperty("Action", out var action)
        && Values(action).Any(a => a is "sts:AssumeRole" or "sts:*" or "*" || a.Equals("sts:assumerole", StringComparison.OrdinalIgnoreCase));

    private static bool MatchesPrincipal(JsonElement statement, string servicePrincipal)
    {
        if (!statement.TryGetProperty("Principal", out var principal))
        {
            return false;
        }

        if (principal.ValueKind == JsonValueKind.String)
        {
            return principal.GetString() == "*";
        }

        return principal.ValueKind == JsonValueKind.Object
            && ((principal.TryGetProperty("Service", out var service) && Values(service).Contains(servicePrincipal))
                || (principal.TryGetProperty("AWS", out var aws) && Values(aws).Contains("*")));
    }

    private static IEnumerable<string> Values(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Array => element.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!),
        _ => [],
    };
}
