using LeastPriv.Core.Catalog;
using LeastPriv.Core.Policy.Merge;

namespace LeastPriv.Core.Policy.Diff;

/// <summary>
/// Compares what two policies grant, (action, resource) by (action, resource), the way a person
/// reviewing a least-privilege change needs it: action wildcards are expanded against the IAM
/// catalog (so <c>s3:Get*</c> and <c>s3:GetObject</c> compare by the actions they stand for) and a
/// resource pattern covers the ARNs and narrower patterns it matches (<c>arn:aws:s3:::b/*</c>
/// covers <c>arn:aws:s3:::b/k</c>).
/// </summary>
/// <remarks>
/// A grant on one side is matched when the other side has the same action with the same effect,
/// on a covering resource, with the same condition or none (an unconditional grant allows, or
/// denies, at least as much). Statements with NotAction or NotResource are compared as whole
/// statements. Principals are not compared (identity policies have none).
/// </remarks>
public static class PolicyDifference
{
    public const string OnlyInReference = "<=";
    public const string OnlyInDifference = "=>";
    public const string InBoth = "==";

    public static IReadOnlyList<LPPolicyDifference> Compare(PolicyDocument reference, PolicyDocument difference, bool includeEqual = false) =>
        Compare(new[] { reference }, new[] { difference }, includeEqual);

    /// <summary>Compares the union of several policies on each side (e.g. a principal's attached and inline policies).</summary>
    public static IReadOnlyList<LPPolicyDifference> Compare(IEnumerable<PolicyDocument> reference, IEnumerable<PolicyDocument> difference, bool includeEqual = false)
    {
        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        if (difference is null)
        {
            throw new ArgumentNullException(nameof(difference));
        }

        var left = GrantSet.From(reference);
        var right = GrantSet.From(difference);
        var rows = new List<LPPolicyDifference>();
        foreach (var grant in left.All)
        {
            if (!right.Covers(grant))
            {
                rows.Add(grant.ToRow(OnlyInReference));
            }
            else if (includeEqual)
            {
                rows.Add(grant.ToRow(InBoth));
            }
        }

        foreach (var grant in right.All)
        {
            if (!left.Covers(grant))
            {
                rows.Add(grant.ToRow(OnlyInDifference));
            }
        }

        return rows
            .OrderBy(r => r.Effect, StringComparer.Ordinal)
            .ThenBy(r => r.Service, StringComparer.Ordinal)
            .ThenBy(r => r.Action, StringComparer.OrdinalIgnoreCase)
            .ThenBy(r => r.Resource, StringComparer.Ordinal)
            .ThenBy(r => r.Condition, StringComparer.Ordinal)
            .ThenBy(r => r.SideIndicator, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Catalog actions an action or pattern stands for; the pattern itself when the catalog knows none.</summary>
    internal static IReadOnlyList<(string Action, string AccessLevel)> ExpandAction(string pattern)
    {
        IReadOnlyList<IamAction> expanded;
        try
        {
            expanded = IamCatalog.Default.Expand(pattern);
        }
        catch (LeastPrivException)
        {
            expanded = Array.Empty<IamAction>();
        }

        if (expanded.Count == 0)
        {
            return new[] { (PolicyMerger.NormalizeAction(pattern), string.Empty) };
        }

        return expanded.Select(a => (a.FullName, a.AccessLevel.ToString())).ToList();
    }

    private sealed class Grant
    {
        public Grant(PolicyEffect effect, string action, string accessLevel, string resource, string condition, PolicyCondition conditionModel)
        {
            Effect = effect;
            Action = action;
            AccessLevel = accessLevel;
            Resource = resource;
            Condition = condition;
            ConditionModel = conditionModel;
        }

        public PolicyEffect Effect { get; }

        public string Action { get; }

        public string AccessLevel { get; }

        public string Resource { get; }

        public string Condition { get; }

        public PolicyCondition ConditionModel { get; }

        public bool IsWhole => Action.StartsWith("NotAction ", StringComparison.Ordinal) || Resource.StartsWith("NotResource ", StringComparison.Ordinal);

        public LPPolicyDifference ToRow(string side) => new()
        {
            Action = Action,
            Resource = Resource,
            SideIndicator = side,
            Service = IsWhole && Action.StartsWith("NotAction ", StringComparison.Ordinal) ? "*" : PolicyMerger.ServiceOf(Action),
            AccessLevel = AccessLevel,
            Effect = Effect.ToString(),
            Condition = Condition,
        };
    }

    private sealed class GrantSet
    {
        private readonly Dictionary<(PolicyEffect, string), List<Grant>> _byAction = new(new EffectActionComparer());

        public List<Grant> All { get; } = new();

        public static GrantSet From(IEnumerable<PolicyDocument> documents)
        {
            var set = new GrantSet();
            var seen = new HashSet<(PolicyEffect, string, string, string)>();
            foreach (var statement in documents.SelectMany(d => d.Statements))
            {
                var condition = GrantScope.Canonical(statement.Condition);
                var conditionText = condition.IsEmpty ? string.Empty : condition.ToString();
                var actions = statement.Action is not null
                    ? statement.Action.SelectMany(ExpandAction).ToList()
                    : new List<(string, string)> { ("NotAction " + string.Join(", ", statement.NotAction!.Select(PolicyMerger.NormalizeAction).OrderBy(a => a, StringComparer.OrdinalIgnoreCase)), string.Empty) };
                var resources = statement.Resource is not null
                    ? statement.Resource.ToList()
                    : statement.NotResource is not null
                        ? new List<string> { "NotResource " + string.Join(", ", statement.NotResource.OrderBy(r => r, StringComparer.Ordinal)) }
                        : new List<string> { string.Empty };
                foreach (var (action, level) in actions)
                {
                    foreach (var resource in resources)
                    {
                        if (seen.Add((statement.Effect, action.ToUpperInvariant(), resource, conditionText)))
                        {
                            set.Add(new Grant(statement.Effect, action, level, resource, conditionText, condition));
                        }
                    }
                }
            }

            return set;
        }

        public bool Covers(Grant grant)
        {
            if (!_byAction.TryGetValue((grant.Effect, grant.Action), out var candidates))
            {
                return false;
            }

            foreach (var candidate in candidates)
            {
                if (!candidate.ConditionModel.IsEmpty && !candidate.ConditionModel.Equals(grant.ConditionModel))
                {
                    continue;
                }

                if (grant.IsWhole || candidate.IsWhole || candidate.Resource.Length == 0 || grant.Resource.Length == 0
                    ? string.Equals(candidate.Resource, grant.Resource, StringComparison.Ordinal)
                    : PatternCoverage.ResourceCovers(candidate.Resource, grant.Resource))
                {
                    return true;
                }
            }

            return false;
        }

        private void Add(Grant grant)
        {
            All.Add(grant);
            if (!_byAction.TryGetValue((grant.Effect, grant.Action), out var list))
            {
                list = new List<Grant>();
                _byAction.Add((grant.Effect, grant.Action), list);
            }

            list.Add(grant);
        }
    }

    private sealed class EffectActionComparer : IEqualityComparer<(PolicyEffect Effect, string Action)>
    {
        public bool Equals((PolicyEffect Effect, string Action) x, (PolicyEffect Effect, string Action) y) =>
            x.Effect == y.Effect && StringComparer.OrdinalIgnoreCase.Equals(x.Action, y.Action);

        public int GetHashCode((PolicyEffect Effect, string Action) obj) =>
            ((int)obj.Effect * 397) ^ StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Action);
    }
}
