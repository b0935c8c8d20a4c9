namespace LeastPriv.Core.Policy;

/// <summary>
/// One statement of an IAM policy. Each list element is null when the element is absent from
/// the document; a one-value list is written as a plain string, as AWS writes it.
/// Equality is structural with IAM's rules: lists compare as sets (order and duplicates do not
/// change what a statement allows), action names ignore case, ARNs and values do not.
/// See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html.
/// </summary>
public sealed record PolicyStatement
{
    private readonly IReadOnlyList<string>? _action;
    private readonly IReadOnlyList<string>? _notAction;
    private readonly IReadOnlyList<string>? _resource;
    private readonly IReadOnlyList<string>? _notResource;
    private readonly PolicyCondition _condition = PolicyCondition.Empty;

    public string? Sid { get; init; }

    public PolicyEffect Effect { get; init; } = PolicyEffect.Allow;

    /// <summary>Resource-based policies only.</summary>
    public PolicyPrincipal? Principal { get; init; }

    public PolicyPrincipal? NotPrincipal { get; init; }

    /// <summary><c>prefix:Name</c> actions or patterns; case-insensitive in IAM.</summary>
    public IReadOnlyList<string>? Action { get => _action; init => _action = PolicyValues.Copy(value); }

    public IReadOnlyList<string>? NotAction { get => _notAction; init => _notAction = PolicyValues.Copy(value); }

    /// <summary>ARNs or ARN patterns, or <c>*</c>.</summary>
    public IReadOnlyList<string>? Resource { get => _resource; init => _resource = PolicyValues.Copy(value); }

    public IReadOnlyList<string>? NotResource { get => _notResource; init => _notResource = PolicyValues.Copy(value); }

    /// <summary>Never null; empty when the statement has no Condition element.</summary>
    public PolicyCondition Condition { get => _condition; init => _condition = value ?? PolicyCondition.Empty; }

    public bool Equals(PolicyStatement? other) =>
        other is not null
        && string.Equals(Sid, other.Sid, StringComparison.Ordinal)
        && Effect == other.Effect
        && Equals(Principal, other.Principal)
        && Equals(NotPrincipal, other.NotPrincipal)
        && PolicyValues.SetEquals(Action, other.Action, StringComparer.OrdinalIgnoreCase)
        && PolicyValues.SetEquals(NotAction, other.NotAction, StringComparer.OrdinalIgnoreCase)
        && PolicyValues.SetEquals(Resource, other.Resource, StringComparer.Ordinal)
        && PolicyValues.SetEquals(NotResource, other.NotResource, StringComparer.Ordinal)
        && Condition.Equals(other.Condition);

    public override int GetHashCode()
    {
        unchecked
        {
            var hash = (Sid is null ? 0 : StringComparer.Ordinal.GetHashCode(Sid)) * 397;
            hash ^= (int)Effect * 7919;
            hash ^= (Principal?.GetHashCode() ?? 0) * 31;
            hash ^= (NotPrincipal?.GetHashCode() ?? 0) * 37;
            hash ^= PolicyValues.SetHash(Action, StringComparer.OrdinalIgnoreCase) * 41;
            hash ^= PolicyValues.SetHash(NotAction, StringComparer.OrdinalIgnoreCase) * 43;
            hash ^= PolicyValues.SetHash(Resource, StringComparer.Ordinal) * 47;
            hash ^= PolicyValues.SetHash(NotResource, StringComparer.Ordinal) * 53;
            hash ^= Condition.GetHashCode() * 59;
            return hash;
        }
    }

    /// <summary>The statement as compact IAM JSON.</summary>
    public override string ToString() => PolicyJsonWriter.WriteStatement(this, indented: false);
}
