namespace LeastPriv.Core.Policy.Merge;

/// <summary>
/// What a statement's grants are bound to besides action and resource: Effect, Principal,
/// NotPrincipal, Condition, and the NotAction / NotResource sets (kept whole). Grants only
/// combine within one scope. Equality follows IAM's rules (sets, case-insensitive condition keys
/// and actions).
/// </summary>
internal sealed class GrantScope : IEquatable<GrantScope>
{
    private GrantScope(
        PolicyEffect effect,
        PolicyPrincipal? principal,
        PolicyPrincipal? notPrincipal,
        PolicyCondition condition,
        IReadOnlyList<string>? notAction,
        ResourceMode mode,
        IReadOnlyList<string>? notResource)
    {
        Effect = effect;
        Principal = principal;
        NotPrincipal = notPrincipal;
        Condition = condition;
        NotAction = notAction;
        Mode = mode;
        NotResource = notResource;
        SortText = string.Join(
            "\u0002",
            ConditionText(condition),
            PrincipalText(principal),
            PrincipalText(notPrincipal),
            notAction is null ? string.Empty : string.Join(",", notAction),
            ((int)mode).ToString(System.Globalization.CultureInfo.InvariantCulture),
            notResource is null ? string.Empty : string.Join(",", notResource));
    }

    internal enum ResourceMode
    {
        Resource,
        NotResource,
        None,
    }

    public PolicyEffect Effect { get; }

    public PolicyPrincipal? Principal { get; }

    public PolicyPrincipal? NotPrincipal { get; }

    public PolicyCondition Condition { get; }

    public IReadOnlyList<string>? NotAction { get; }

    public ResourceMode Mode { get; }

    public IReadOnlyList<string>? NotResource { get; }

    /// <summary>A canonical text of the scope, used for ordering and choosing one spelling.</summary>
    public string SortText { get; }

    public static GrantScope Of(PolicyStatement statement)
    {
        var notAction = statement.NotAction?
            .Select(PolicyMerger.NormalizeAction)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderBy(a => a, StringComparer.OrdinalIgnoreCase)
            .ThenBy(a => a, StringComparer.Ordinal)
            .ToList();
        var mode = statement.Resource is not null ? ResourceMode.Resource
            : statement.NotResource is not null ? ResourceMode.NotResource
            : ResourceMode.None;
        var notResource = statement.NotResource?.Distinct(StringComparer.Ordinal).OrderBy(r => r, StringComparer.Ordinal).ToList();
        return new GrantScope(
            statement.Effect,
            Canonical(statement.Principal),
            Canonical(statement.NotPrincipal),
            Canonical(statement.Condition),
            notAction,
            mode,
            notResource);
    }

    public PolicyStatement ToStatement(IReadOnlyList<string> actions, IReadOnlyList<string> resources)
    {
        // The empty marker stands for "the NotAction / NotResource of the scope".
        var isNotAction = NotAction is not null;
        return new PolicyStatement
        {
            Effect = Effect,
            Principal = Principal,
            NotPrincipal = NotPrincipal,
            Action = isNotAction ? null : actions,
            NotAction = NotAction,
            Resource = Mode == ResourceMode.Resource ? resources : null,
            NotResource = NotResource,
            Condition = Condition,
        };
    }

    public bool Equals(GrantScope? other) =>
        other is not null
        && Effect == other.Effect
        && Equals(Principal, other.Principal)
        && Equals(NotPrincipal, other.NotPrincipal)
        && Condition.Equals(other.Condition)
        && PolicyValues.SetEquals(NotAction, other.NotAction, StringComparer.OrdinalIgnoreCase)
        && Mode == other.Mode
        && PolicyValues.SetEquals(NotResource, other.NotResource, StringComparer.Ordinal);

    public override bool Equals(object? obj) => obj is GrantScope other && Equals(other);

    public override int GetHashCode()
    {
        unchecked
        {
            var hash = (int)Effect * 7919;
            hash ^= (Principal?.GetHashCode() ?? 0) * 31;
            hash ^= (NotPrincipal?.GetHashCode() ?? 0) * 37;
            hash ^= Condition.GetHashCode() * 41;
            hash ^= PolicyValues.SetHash(NotAction, StringComparer.OrdinalIgnoreCase) * 43;
            hash ^= (int)Mode * 47;
            hash ^= PolicyValues.SetHash(NotResource, StringComparer.Ordinal) * 53;
            return hash;
        }
    }

    /// <summary>Clauses sorted by operator then key, values sorted and distinct.</summary>
    internal static PolicyCondition Canonical(PolicyCondition condition)
    {
        if (condition.IsEmpty)
        {
            return condition;
        }

        return PolicyCondition.Of(condition.Clauses
            .OrderBy(c => c.Operator, StringComparer.Ordinal)
            .ThenBy(c => c.Key, StringComparer.OrdinalIgnoreCase)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new ConditionClause(c.Operator, c.Key, c.Values.Distinct(StringComparer.Ordinal).OrderBy(v => v, StringComparer.Ordinal))));
    }

    internal static string ConditionText(PolicyCondition condition) =>
        string.Join(";", Canonical(condition).Clauses.Select(c => c.Operator + "|" + c.Key + "|" + string.Join(",", c.Values)));

    private static PolicyPrincipal? Canonical(PolicyPrincipal? principal)
    {
        if (principal is null || principal.IsAnyone)
        {
            return principal;
        }

        return PolicyPrincipal.Of(principal.Entries
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new KeyValuePair<string, IEnumerable<string>>(e.Key, e.Value.Distinct(StringComparer.Ordinal).OrderBy(v => v, StringComparer.Ordinal))));
    }

    private static string PrincipalText(PolicyPrincipal? principal) =>
        principal is null ? string.Empty : principal.IsAnyone ? "*" : string.Join(";", principal.Entries.Select(e => e.Key + "=" + string.Join(",", e.Value)));
}
