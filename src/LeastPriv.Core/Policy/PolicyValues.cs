namespace LeastPriv.Core.Policy;

/// <summary>
/// Set semantics for the string lists of a policy (Action, Resource, condition values...), with
/// the case rule IAM applies to each element: action names are case-insensitive, ARNs and
/// condition values are compared as written.
/// </summary>
internal static class PolicyValues
{
    public static IReadOnlyList<string>? Copy(IEnumerable<string>? values)
    {
        if (values is null)
        {
            return null;
        }

        var list = new List<string>();
        foreach (var value in values)
        {
            if (value is null)
            {
                throw new ArgumentException("A policy value cannot be null.", nameof(values));
            }

            list.Add(value);
        }

        return list.AsReadOnly();
    }

    public static bool SetEquals(IReadOnlyList<string>? a, IReadOnlyList<string>? b, StringComparer comparer)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        var left = new HashSet<string>(a, comparer);
        return left.SetEquals(new HashSet<string>(b, comparer));
    }

    /// <summary>Order-independent hash consistent with <see cref="SetEquals"/>.</summary>
    public static int SetHash(IReadOnlyList<string>? values, StringComparer comparer)
    {
        if (values is null)
        {
            return 0;
        }

        var hash = 17;
        foreach (var value in new HashSet<string>(values, comparer))
        {
            hash ^= comparer.GetHashCode(value) * 31;
        }

        return hash;
    }
}
