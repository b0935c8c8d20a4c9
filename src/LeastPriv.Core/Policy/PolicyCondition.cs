namespace LeastPriv.Core.Policy;

/// <summary>One condition test: operator, context key and the values it is compared with.</summary>
public sealed class ConditionClause : IEquatable<ConditionClause>
{
    public ConditionClause(string @operator, string key, IEnumerable<string> values)
    {
        if (string.IsNullOrEmpty(@operator))
        {
            throw new ArgumentException("A condition operator cannot be empty.", nameof(@operator));
        }

        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException("A condition key cannot be empty.", nameof(key));
        }

        Operator = @operator;
        Key = key;
        Values = PolicyValues.Copy(values ?? throw new ArgumentNullException(nameof(values)))!;
    }

    /// <summary>e.g. <c>StringEquals</c>, <c>ForAnyValue:StringLike</c>, <c>ArnLikeIfExists</c>.</summary>
    public string Operator { get; }

    /// <summary>e.g. <c>kms:ViaService</c>; compared case-insensitively, as IAM does.</summary>
    public string Key { get; }

    /// <summary>Values as text (JSON booleans and numbers are kept as their text).</summary>
    public IReadOnlyList<string> Values { get; }

    public bool Equals(ConditionClause? other) =>
        other is not null
        && string.Equals(Operator, other.Operator, StringComparison.Ordinal)
        && string.Equals(Key, other.Key, StringComparison.OrdinalIgnoreCase)
        && PolicyValues.SetEquals(Values, other.Values, StringComparer.Ordinal);

    public override bool Equals(object? obj) => obj is ConditionClause other && Equals(other);

    public override int GetHashCode() =>
        (StringComparer.Ordinal.GetHashCode(Operator) * 397)
        ^ (StringComparer.OrdinalIgnoreCase.GetHashCode(Key) * 31)
        ^ PolicyValues.SetHash(Values, StringComparer.Ordinal);

    public override string ToString() => $"{Operator} {Key} [{string.Join(", ", Values)}]";
}

/// <summary>
/// The <c>Condition</c> element: an ordered map of operator -> context key -> values, stored as
/// clauses in document order. Context key names are not case-sensitive
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html),
/// so the same key under one operator merges; operators are kept exactly as written.
/// </summary>
public sealed class PolicyCondition : IEquatable<PolicyCondition>
{
    private PolicyCondition(IReadOnlyList<ConditionClause> clauses) => Clauses = clauses;

    public static PolicyCondition Empty { get; } = new(Array.Empty<ConditionClause>());

    /// <summary>The clauses in document order (grouped by operator when serialized).</summary>
    public IReadOnlyList<ConditionClause> Clauses { get; }

    public bool IsEmpty => Clauses.Count == 0;

    /// <summary>Operators in first-seen order.</summary>
    public IReadOnlyList<string> Operators => Clauses.Select(c => c.Operator).Distinct(StringComparer.Ordinal).ToList();

    public static PolicyCondition Of(IEnumerable<ConditionClause> clauses)
    {
        var result = Empty;
        foreach (var clause in clauses)
        {
            result = result.With(clause.Operator, clause.Key, clause.Values);
        }

        return result;
    }

    /// <summary>Values for an operator and key, or null when absent.</summary>
    public IReadOnlyList<string>? Get(string @operator, string key) =>
        Clauses.FirstOrDefault(c => string.Equals(c.Operator, @operator, StringComparison.Ordinal)
            && string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase))?.Values;

    /// <summary>A copy with values added under operator/key (merged into an existing clause, duplicates dropped).</summary>
    public PolicyCondition With(string @operator, string key, IEnumerable<string> values)
    {
        var list = Clauses.ToList();
        var index = list.FindIndex(c => string.Equals(c.Operator, @operator, StringComparison.Ordinal)
            && string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            list.Add(new ConditionClause(@operator, key, values.Distinct(StringComparer.Ordinal)));
        }
        else
        {
            var existing = list[index];
            list[index] = new ConditionClause(existing.Operator, existing.Key, existing.Values.Concat(values).Distinct(StringComparer.Ordinal));
        }

        return new PolicyCondition(list.AsReadOnly());
    }

    public bool Equals(PolicyCondition? other) =>
        other is not null && new HashSet<ConditionClause>(Clauses).SetEquals(other.Clauses);

    public override bool Equals(object? obj) => obj is PolicyCondition other && Equals(other);

    public override int GetHashCode()
    {
        var hash = 3;
        foreach (var clause in Clauses)
        {
            hash ^= clause.GetHashCode();
        }

        return hash;
    }

    public override string ToString() => string.Join("; ", Clauses);
}
