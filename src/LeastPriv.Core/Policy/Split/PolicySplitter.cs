using System.Globalization;

namespace LeastPriv.Core.Policy.Split;

/// <summary>The parts a policy was split into (one part when it already fits).</summary>
public sealed class PolicySplitResult
{
    internal PolicySplitResult(IReadOnlyList<PolicyDocument> parts, int limit, int originalSize)
    {
        Parts = parts;
        Limit = limit;
        OriginalSize = originalSize;
    }

    public IReadOnlyList<PolicyDocument> Parts { get; }

    public bool WasSplit => Parts.Count > 1;

    /// <summary>The size limit of the target, in IAM characters.</summary>
    public int Limit { get; }

    /// <summary>IAM size of the policy before splitting.</summary>
    public int OriginalSize { get; }
}

/// <summary>
/// Splits a policy that is over its target's size limit into parts that each fit and are valid
/// on their own. Statements are the units; a statement too large by itself is cut into
/// statements over fewer actions (then fewer resources), which grants exactly the same pairs.
/// The units are packed into as few parts as possible (first-fit decreasing, then an exact
/// search when that leaves more parts than the size lower bound), each part keeping the
/// statements' order (service, then resources, for a merged policy), Sids unique over all parts.
/// </summary>
public static class PolicySplitter
{
    // Bounded search: the exact improvement over first-fit decreasing gives up after this many
    // steps and keeps the first-fit packing, so a split always finishes quickly.
    private const int SearchBudget = 200_000;

    public static PolicySplitResult Split(PolicyDocument document, LPPolicyTarget target)
    {
        if (document is null)
        {
            throw new ArgumentNullException(nameof(document));
        }

        var limit = PolicySizeLimits.For(target);
        var size = document.IamSize;
        if (size <= limit)
        {
            return new PolicySplitResult(new[] { document }, limit, size);
        }

        if (target != LPPolicyTarget.Managed)
        {
            // The inline quotas are for all inline policies of the principal together, so
            // several smaller inline policies would not fit either.
            throw new LeastPrivException(
                "PolicyTooLargeToSplit",
                LPErrorCategory.LimitsExceeded,
                string.Format(CultureInfo.InvariantCulture, "The policy has {0:N0} characters (without white space); {1} policies may have {2:N0} in total for one principal, so splitting it into several inline policies cannot help.", size, target, limit),
                document)
            {
                RecommendedAction = "Use -Target Managed (6,144 characters per policy, up to 10 per principal), or narrow the policy: fewer services, Pattern resources or action wildcards such as 's3:Get*'.",
            };
        }

        var empty = document with { Statements = Array.Empty<PolicyStatement>() };

        // Statements are joined by one comma: a part of n statements costs base + sum + n - 1,
        // so each statement costs its size + 1 against a capacity of limit - base + 1.
        var capacity = limit - empty.IamSize + 1;
        var units = new List<PolicyStatement>();
        foreach (var statement in document.Statements)
        {
            units.AddRange(Cut(statement, capacity - 1, document));
        }

        var costs = units.Select(u => PolicyDocument.CountIamCharacters(u.ToString()) + 1).ToArray();
        var bins = Pack(costs, capacity);
        if (bins.Count > PolicySizeLimits.ManagedPoliciesPerPrincipal)
        {
            throw TooLarge(document, size, bins.Count);
        }

        var sids = UniqueSids(units);
        var parts = bins
            .Select(bin => bin.OrderBy(i => i).ToList())
            .OrderBy(bin => bin[0])
            .Select(bin => empty with { Statements = bin.Select(i => units[i] with { Sid = sids[i] }).ToList() })
            .ToList();
        return new PolicySplitResult(parts.AsReadOnly(), limit, size);
    }

    private static LeastPrivException TooLarge(PolicyDocument document, int size, int parts) =>
        new(
            "PolicyTooLargeToSplit",
            LPErrorCategory.LimitsExceeded,
            string.Format(CultureInfo.InvariantCulture, "The policy has {0:N0} characters (without white space) and needs {1} managed policies of at most {2:N0}; a user or role can have {3} attached by default.", size, parts, PolicySizeLimits.Managed, PolicySizeLimits.ManagedPoliciesPerPrincipal),
            document)
        {
            RecommendedAction = "Narrow the scope (fewer services or actions, split the workload), use Pattern resources instead of every observed ARN, or action wildcards such as 's3:Get*'.",
        };

    /// <summary>A statement that fits is kept; a larger one is cut by actions, then by resources.</summary>
    private static IEnumerable<PolicyStatement> Cut(PolicyStatement statement, int room, PolicyDocument document)
    {
        if (Size(statement) <= room)
        {
            return new[] { statement };
        }

        List<PolicyStatement> pieces;
        if (statement.Action is { Count: > 1 })
        {
            pieces = Chunk(statement.Action, list => statement with { Action = list }, room)
                .SelectMany(s => Cut(s, room, document))
                .ToList();
        }
        else if (statement.Resource is { Count: > 1 })
        {
            pieces = Chunk(statement.Resource, list => statement with { Resource = list }, room).ToList();
        }
        else
        {
            throw new LeastPrivException(
                "PolicyTooLargeToSplit",
                LPErrorCategory.LimitsExceeded,
                string.Format(CultureInfo.InvariantCulture, "The statement {0} is larger than a whole policy may be ({1:N0} characters) and cannot be cut further (NotAction, NotResource and conditions stay whole).", statement.Sid ?? "without Sid", room),
                document)
            {
                RecommendedAction = "Shorten the statement's condition or its NotAction / NotResource list, or use wildcards.",
            };
        }

        if (statement.Sid is null)
        {
            return pieces;
        }

        return pieces.Select((p, i) => p with { Sid = statement.Sid + "Part" + (i + 1).ToString(CultureInfo.InvariantCulture) });
    }

    /// <summary>Consecutive runs of values, each as long as fits (found by binary search on the real serialization).</summary>
    private static IEnumerable<PolicyStatement> Chunk(IReadOnlyList<string> values, Func<IReadOnlyList<string>, PolicyStatement> make, int room)
    {
        var start = 0;
        while (start < values.Count)
        {
            int low = 1, high = values.Count - start;
            while (low < high)
            {
                var mid = (low + high + 1) / 2;
                if (Size(make(Slice(values, start, mid))) <= room)
                {
                    low = mid;
                }
                else
                {
                    high = mid - 1;
                }
            }

            yield return make(Slice(values, start, low));
            start += low;
        }
    }

    private static List<string> Slice(IReadOnlyList<string> values, int start, int count) =>
        values.Skip(start).Take(count).ToList();

    private static int Size(PolicyStatement statement) => PolicyDocument.CountIamCharacters(statement.ToString());

    /// <summary>Bins of unit indexes: first-fit decreasing, improved by a bounded exact search.</summary>
    internal static List<List<int>> Pack(int[] costs, int capacity)
    {
        var order = Enumerable.Range(0, costs.Length).OrderByDescending(i => costs[i]).ThenBy(i => i).ToArray();
        var bins = new List<List<int>>();
        var loads = new List<int>();
        foreach (var i in order)
        {
            var placed = false;
            for (var b = 0; b < bins.Count && !placed; b++)
            {
                if (loads[b] + costs[i] <= capacity)
                {
                    bins[b].Add(i);
                    loads[b] += costs[i];
                    placed = true;
                }
            }

            if (!placed)
            {
                bins.Add(new List<int> { i });
                loads.Add(costs[i]);
            }
        }

        var lowerBound = (int)Math.Ceiling(costs.Sum(c => (long)c) / (double)capacity);
        for (var target = Math.Max(1, lowerBound); target < bins.Count; target++)
        {
            var exact = Search(order, costs, capacity, target);
            if (exact is not null)
            {
                return exact;
            }
        }

        return bins;
    }

    private static List<List<int>>? Search(int[] order, int[] costs, int capacity, int binCount)
    {
        var loads = new int[binCount];
        var assignment = new int[order.Length];
        var budget = SearchBudget;
        bool Place(int k, int used)
        {
            if (k == order.Length)
            {
                return true;
            }

            if (--budget < 0)
            {
                return false;
            }

            var cost = costs[order[k]];
            var tried = new HashSet<int>();
            for (var b = 0; b < Math.Min(used + 1, binCount); b++)
            {
                // Bins with the same load are interchangeable: trying one is enough.
                if (loads[b] + cost > capacity || !tried.Add(loads[b]))
                {
                    continue;
                }

                loads[b] += cost;
                assignment[k] = b;
                if (Place(k + 1, Math.Max(used, b + 1)))
                {
                    return true;
                }

                loads[b] -= cost;
            }

            return false;
        }

        if (!Place(0, 0))
        {
            return null;
        }

        var bins = Enumerable.Range(0, binCount).Select(_ => new List<int>()).ToList();
        for (var k = 0; k < order.Length; k++)
        {
            bins[assignment[k]].Add(order[k]);
        }

        return bins.Where(b => b.Count > 0).ToList();
    }

    private static string?[] UniqueSids(IReadOnlyList<PolicyStatement> units)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var result = new string?[units.Count];
        for (var i = 0; i < units.Count; i++)
        {
            var sid = units[i].Sid;
            if (sid is null)
            {
                continue;
            }

            var candidate = sid;
            for (var n = 2; !used.Add(candidate); n++)
            {
                candidate = sid + "N" + n.ToString(CultureInfo.InvariantCulture);
            }

            result[i] = candidate;
        }

        return result;
    }
}
