using LeastPriv.Core.Catalog;
using LeastPriv.Core.Policy;
using LeastPriv.Core.Policy.Merge;

namespace LeastPriv.Core.Tests.Toolkit;

/// <summary>
/// An independent statement of what a policy grants: every (effect, condition, catalog action,
/// resource) of its plain Action/Resource statements, with action patterns expanded against the
/// catalog. Used to check that a transformation neither adds nor loses a grant.
/// </summary>
internal static class GrantOracle
{
    public static IEnumerable<(PolicyEffect Effect, PolicyCondition Condition, string Action, string Resource)> Grants(PolicyDocument document)
    {
        foreach (var statement in document.Statements.Where(s => s.Action is not null && s.Resource is not null && s.Principal is null))
        {
            foreach (var pattern in statement.Action!)
            {
                foreach (var action in Expand(pattern))
                {
                    foreach (var resource in statement.Resource!)
                    {
                        yield return (statement.Effect, statement.Condition, action, resource);
                    }
                }
            }
        }
    }

    /// <summary>True when some plain statement of <paramref name="document"/> with the same effect and condition grants the action on a covering resource.</summary>
    public static bool IsGranted(PolicyDocument document, (PolicyEffect Effect, PolicyCondition Condition, string Action, string Resource) grant) =>
        document.Statements.Any(s =>
            s.Action is not null && s.Resource is not null
            && s.Effect == grant.Effect
            && s.Condition.Equals(grant.Condition)
            && s.Action.Any(p => Expand(p).Contains(grant.Action, StringComparer.OrdinalIgnoreCase))
            && s.Resource.Any(r => PatternCoverage.ResourceCovers(r, grant.Resource)));

    private static readonly Dictionary<string, string[]> Cache = new(StringComparer.OrdinalIgnoreCase);

    private static string[] Expand(string pattern)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(pattern, out var actions))
            {
                actions = IamCatalog.Default.Expand(pattern).Select(a => a.FullName).ToArray();
                Cache[pattern] = actions.Length == 0 ? new[] { pattern } : actions;
                actions = Cache[pattern];
            }

            return actions;
        }
    }
}
