namespace LeastPriv.Core.Policy;

/// <summary>
/// The <c>Principal</c> / <c>NotPrincipal</c> element: either the bare wildcard <c>"*"</c>
/// (anyone) or a map of principal types (<c>AWS</c>, <c>Service</c>, <c>Federated</c>,
/// <c>CanonicalUser</c>) to values, kept in document order.
/// See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html.
/// </summary>
public sealed class PolicyPrincipal : IEquatable<PolicyPrincipal>
{
    private static readonly IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> NoEntries =
        Array.Empty<KeyValuePair<string, IReadOnlyList<string>>>();

    private PolicyPrincipal(bool isAnyone, IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> entries)
    {
        IsAnyone = isAnyone;
        Entries = entries;
    }

    /// <summary><c>"Principal": "*"</c>.</summary>
    public static PolicyPrincipal Anyone { get; } = new(true, NoEntries);

    /// <summary>True for the bare <c>"*"</c> form (not the same text as <c>{"AWS":"*"}</c>).</summary>
    public bool IsAnyone { get; }

    /// <summary>Principal type -> values, in document order; empty for <see cref="IsAnyone"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Entries { get; }

    /// <summary>Builds the map form. Types are case-sensitive (<c>AWS</c>, <c>Service</c>...); a repeated type merges its values.</summary>
    public static PolicyPrincipal Of(IEnumerable<KeyValuePair<string, IEnumerable<string>>> entries)
    {
        var order = new List<string>();
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (string.IsNullOrEmpty(entry.Key))
            {
                throw new ArgumentException("A principal type cannot be empty.", nameof(entries));
            }

            if (!values.TryGetValue(entry.Key, out var list))
            {
                list = new List<string>();
                values.Add(entry.Key, list);
                order.Add(entry.Key);
            }

            list.AddRange(PolicyValues.Copy(entry.Value)!);
        }

        return new PolicyPrincipal(
            false,
            order.Select(t => new KeyValuePair<string, IReadOnlyList<string>>(t, values[t].AsReadOnly())).ToList().AsReadOnly());
    }

    /// <summary>Shortcut for one principal type, e.g. <c>PolicyPrincipal.Of("Service", "lambda.amazonaws.com")</c>.</summary>
    public static PolicyPrincipal Of(string type, params string[] values) =>
        Of(new[] { new KeyValuePair<string, IEnumerable<string>>(type, values) });

    /// <summary>Values of one principal type, or an empty list.</summary>
    public IReadOnlyList<string> this[string type] =>
        Entries.FirstOrDefault(e => string.Equals(e.Key, type, StringComparison.Ordinal)).Value ?? Array.Empty<string>();

    public bool Equals(PolicyPrincipal? other)
    {
        if (other is null)
        {
            return false;
        }

        if (IsAnyone || other.IsAnyone)
        {
            return IsAnyone == other.IsAnyone;
        }

        var types = new HashSet<string>(Entries.Select(e => e.Key), StringComparer.Ordinal);
        if (!types.SetEquals(other.Entries.Select(e => e.Key)))
        {
            return false;
        }

        return types.All(t => PolicyValues.SetEquals(this[t], other[t], StringComparer.Ordinal));
    }

    public override bool Equals(object? obj) => obj is PolicyPrincipal other && Equals(other);

    public override int GetHashCode()
    {
        if (IsAnyone)
        {
            return 1;
        }

        var hash = 7;
        foreach (var entry in Entries)
        {
            hash ^= (StringComparer.Ordinal.GetHashCode(entry.Key) * 397) ^ PolicyValues.SetHash(entry.Value, StringComparer.Ordinal);
        }

        return hash;
    }

    public override string ToString() =>
        IsAnyone ? "*" : string.Join("; ", Entries.Select(e => e.Key + "=" + string.Join(",", e.Value)));
}
