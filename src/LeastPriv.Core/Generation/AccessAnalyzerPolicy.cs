using LeastPriv.Core.Aws;
using LeastPriv.Core.Policy;

namespace LeastPriv.Core.Generation;

/// <summary>
/// Turns a GetGeneratedPolicy answer into one <see cref="LPGeneratedPolicy"/>: the
/// <c>generatedPolicies</c> parts (Access Analyzer splits at 6,144 characters) merged into one
/// document, the statements of the service-level template recognised by their wildcard actions
/// (their exact shape is not published, so not by Sid), and the placeholders generalized on request.
/// </summary>
public static class AccessAnalyzerPolicy
{
    /// <summary>What <see cref="LPGeneratedPolicy.Source"/> says for policies IAM Access Analyzer generated.</summary>
    public const string SourceName = "AccessAnalyzer";

    /// <param name="answer">The answer, fetched with includeServiceLevelTemplate=true so the service-level services are known.</param>
    /// <param name="keepServiceLevelTemplate">Keep the template statements in the document (-IncludeServiceLevelTemplate).</param>
    /// <param name="generalize">Replace <c>${Region}</c>/<c>${Account}</c> (and concrete values in ARNs) with <c>*</c>.</param>
    public static LPGeneratedPolicy Build(AccessAnalyzerGeneratedPolicy answer, bool keepServiceLevelTemplate, PolicyGeneralization generalize)
    {
        var statements = new List<PolicyStatement>();
        var serviceLevel = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var part in answer.Policies)
        {
            var document = PolicyDocument.Parse(part);
            foreach (var statement in document.Statements)
            {
                if (IsServiceLevel(statement))
                {
                    foreach (var action in statement.Action!)
                    {
                        serviceLevel.Add(ServiceOf(action));
                    }

                    if (!keepServiceLevelTemplate)
                    {
                        continue;
                    }
                }

                statements.Add(Generalize(statement, generalize));
            }
        }

        var merged = new PolicyDocument { Statements = statements };
        var actions = statements
            .SelectMany(s => s.Action ?? Array.Empty<string>())
            .Where(a => !IsWildcard(a))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderBy(a => a, StringComparer.Ordinal)
            .ToArray();
        var reasons = new List<string>();
        if (serviceLevel.Count > 0)
        {
            reasons.Add($"IAM Access Analyzer saw these services only at service level (no actions): {string.Join(", ", serviceLevel)}. Pick their actions yourself, or use Get-LPGeneratedPolicy -Local for action-level results.");
        }

        var isComplete = answer.IsComplete ?? serviceLevel.Count == 0;
        if (!isComplete && reasons.Count == 0)
        {
            reasons.Add("IAM Access Analyzer reported the policy as incomplete (isComplete = false).");
        }

        var json = merged.ToJson(indented: true);
        return new LPGeneratedPolicy
        {
            PolicyDocument = merged,
            Json = json,
            Actions = actions,
            Services = actions.Select(ServiceOf).Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal).ToArray(),
            ServiceLevelServices = serviceLevel.ToArray(),
            Source = SourceName,
            JobId = answer.Job.JobId,
            IsComplete = isComplete,
            IncompleteReasons = reasons.ToArray(),
            ResourceScope = statements.Any(s => s.Resource?.Any(r => r != "*") == true) ? "Placeholders" : "Any",
            StartTime = answer.StartTime,
            EndTime = answer.EndTime,
            PrincipalArn = string.IsNullOrEmpty(answer.PrincipalArn) ? null : answer.PrincipalArn,
            Principals = string.IsNullOrEmpty(answer.PrincipalArn) ? Array.Empty<string>() : new[] { answer.PrincipalArn },
            Regions = answer.Trails.SelectMany(t => t.Regions).Distinct(StringComparer.Ordinal).OrderBy(r => r, StringComparer.Ordinal).ToArray(),
            PolicySize = merged.IamSize,
        };
    }

    /// <summary>Replaces <c>${Region}</c> and <c>${Account}</c> placeholders, and concrete region/account fields, with <c>*</c>.</summary>
    public static string GeneralizeResource(string resource, PolicyGeneralization generalize)
    {
        if (generalize == PolicyGeneralization.None || resource == "*")
        {
            return resource;
        }

        var value = resource;
        if (generalize.HasFlag(PolicyGeneralization.Region))
        {
            value = value.Replace("${Region}", "*");
        }

        if (generalize.HasFlag(PolicyGeneralization.Account))
        {
            value = value.Replace("${Account}", "*");
        }

        return ArnText.Generalize(value, generalize);
    }

    /// <summary>A statement of the service-level template: every action is a wildcard (<c>service:*</c>).</summary>
    internal static bool IsServiceLevel(PolicyStatement statement) =>
        statement.Action is { Count: > 0 } actions && actions.All(IsWildcard);

    private static bool IsWildcard(string action) => action.IndexOf('*') >= 0;

    private static string ServiceOf(string action)
    {
        var colon = action.IndexOf(':');
        return colon < 0 ? action : action.Substring(0, colon).ToLowerInvariant();
    }

    private static PolicyStatement Generalize(PolicyStatement statement, PolicyGeneralization generalize)
    {
        if (generalize == PolicyGeneralization.None || statement.Resource is null)
        {
            return statement;
        }

        var resources = statement.Resource.Select(r => GeneralizeResource(r, generalize)).Distinct(StringComparer.Ordinal).ToList();
        return statement with { Resource = resources };
    }
}
