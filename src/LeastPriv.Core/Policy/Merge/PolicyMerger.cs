using System.Text;
using LeastPriv.Core.Catalog;

namespace LeastPriv.Core.Policy.Merge;

/// <summary>One policy to merge and the label its grants are credited to in the provenance.</summary>
public sealed class PolicyMergeInput
{
    public PolicyMergeInput(PolicyDocument document, string label)
    {
        Document = document ?? throw new ArgumentNullException(nameof(document));
        Label = label ?? string.Empty;
    }

    public PolicyDocument Document { get; }

    /// <summary>e.g. the file name, or the label/source of a generated policy.</summary>
    public string Label { get; }
}

/// <summary>The merged policy and which inputs contributed each action.</summary>
public sealed class PolicyMergeResult
{
    internal PolicyMergeResult(PolicyDocument document, IReadOnlyDictionary<string, string[]> provenance, IReadOnlyList<string> labels)
    {
        Document = document;
        Provenance = provenance;
        Labels = labels;
    }

    public PolicyDocument Document { get; }

    /// <summary>
    /// Action (as written in the merged policy) -> labels of the inputs that granted it, sorted.
    /// An input whose grant was absorbed by a broader one (<c>s3:GetObject</c> under <c>s3:Get*</c>)
    /// is credited to the broader action.
    /// </summary>
    public IReadOnlyDictionary<string, string[]> Provenance { get; }

    /// <summary>Labels of the inputs, in input order.</summary>
    public IReadOnlyList<string> Labels { get; }
}

/// <summary>
/// Merges policies into one that allows (and denies) exactly the union of what the inputs do,
/// never more.
/// </summary>
/// <remarks>
/// Every statement is taken apart into (action, resource) grants under a scope: Effect,
/// Principal, Condition, and the NotAction / NotResource sets, which are kept whole because
/// combining them would change their meaning. Within one scope a grant covered by a broader one
/// (action and resource patterns both covering, see <see cref="PatternCoverage"/>) is dropped;
/// then actions with the same resource set are put back together, one statement per scope,
/// service and resource set. Actions are never crossed with resources another statement had, so
/// no (action, resource) pair is granted that no input granted. The result depends only on the
/// set of grants, which makes the merge commutative, associative and idempotent; statement
/// order and Sids are derived from the content (effect, service, resources, condition).
/// </remarks>
public static class PolicyMerger
{
    // Marks the action of a NotAction statement or the resource of a NotResource / resource-less
    // statement: the scope holds the real values.
    private const string Whole = "";

    public static PolicyMergeResult Merge(IEnumerable<PolicyMergeInput> inputs)
    {
        if (inputs is null)
        {
            throw new ArgumentNullException(nameof(inputs));
        }

        var list = inputs.ToList();
        var scopes = new Dictionary<GrantScope, ScopeGrants>();
        foreach (var input in list)
        {
            foreach (var statement in input.Document.Statements)
            {
                AddStatement(scopes, statement, input.Label);
            }
        }

        var provenance = new SortedDictionary<string, SortedSet<string>>(StringComparer.OrdinalIgnoreCase);
        var built = new List<(string SortKey, string Service, PolicyStatement Statement)>();
        foreach (var entry in scopes)
        {
            var scope = entry.Value.Representative;
            var survivors = entry.Value.Reduce(provenance);
            var byAction = survivors
                .GroupBy(g => g.Action, StringComparer.OrdinalIgnoreCase)
                .Select(g => (Action: g.Key, Resources: g.Select(x => x.Resource).Distinct(StringComparer.Ordinal).OrderBy(r => r, StringComparer.Ordinal).ToList()));
            var groups = byAction
                .GroupBy(a => (Service: ServiceOf(a.Action), Resources: string.Join("\n", a.Resources)))
                .OrderBy(g => g.Key.Service, StringComparer.Ordinal)
                .ThenBy(g => g.Key.Resources, StringComparer.Ordinal);
            foreach (var group in groups)
            {
                var actions = group.Select(a => a.Action).OrderBy(a => a, StringComparer.OrdinalIgnoreCase).ThenBy(a => a, StringComparer.Ordinal).ToList();
                var resources = group.First().Resources;
                var statement = scope.ToStatement(actions, resources);
                var sortKey = string.Join(
                    "\u0001",
                    scope.Effect == PolicyEffect.Allow ? "0" : "1",
                    group.Key.Service,
                    group.Key.Resources,
                    scope.SortText);
                built.Add((sortKey, group.Key.Service, statement));
            }
        }

        var ordered = built.OrderBy(b => b.SortKey, StringComparer.Ordinal).ToList();
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        var statements = new List<PolicyStatement>(ordered.Count);
        foreach (var item in ordered)
        {
            var stem = (item.Statement.Effect == PolicyEffect.Allow ? "Allow" : "Deny") + SidWord(item.Service);
            counters.TryGetValue(stem, out var seen);
            counters[stem] = ++seen;
            statements.Add(item.Statement with { Sid = seen == 1 ? stem : stem + "Scope" + seen.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        var version = list.Count > 0 && list.All(i => i.Document.Version == PolicyDocument.Version2008)
            ? PolicyDocument.Version2008
            : PolicyDocument.Version2012;
        var document = new PolicyDocument { Version = version, Statements = statements };
        var map = provenance.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.OrdinalIgnoreCase);
        return new PolicyMergeResult(document, new SortedReadOnlyMap(map), list.Select(i => i.Label).ToList().AsReadOnly());
    }

    /// <summary>The canonical form of one policy: the merge of it alone.</summary>
    public static PolicyDocument Normalize(PolicyDocument document) =>
        Merge(new[] { new PolicyMergeInput(document, string.Empty) }).Document;

    /// <summary>
    /// Action spelling used in merged policies: the catalog's casing for a known action, a
    /// lower-case service prefix otherwise (IAM compares actions case-insensitively).
    /// </summary>
    public static string NormalizeAction(string action)
    {
        var trimmed = action.Trim();
        if (IamCatalog.Default.TryGetAction(trimmed, out var known))
        {
            return known.FullName;
        }

        var colon = trimmed.IndexOf(':');
        return colon > 0 ? trimmed.Substring(0, colon).ToLowerInvariant() + trimmed.Substring(colon) : trimmed;
    }

    /// <summary>Service prefix of an action or pattern: <c>s3</c>, or <c>*</c> for the bare wildcard.</summary>
    public static string ServiceOf(string action)
    {
        if (action.Length == 0)
        {
            return string.Empty;
        }

        var colon = action.IndexOf(':');
        return colon > 0 ? action.Substring(0, colon).ToLowerInvariant() : "*";
    }

    internal static string SidWord(string service)
    {
        if (service.Length == 0)
        {
            return "NotAction";
        }

        var word = new StringBuilder();
        var upper = true;
        foreach (var c in service)
        {
            if (c == '*')
            {
                word.Append("All");
                upper = true;
            }
            else if (char.IsLetterOrDigit(c) && c < 128)
            {
                word.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else
            {
                upper = true;
            }
        }

        return word.Length == 0 ? "Any" : word.ToString();
    }

    private static void AddStatement(Dictionary<GrantScope, ScopeGrants> scopes, PolicyStatement statement, string label)
    {
        var scope = GrantScope.Of(statement);
        if (!scopes.TryGetValue(scope, out var grants))
        {
            grants = new ScopeGrants(scope);
            scopes.Add(scope, grants);
        }
        else
        {
            grants.Offer(scope);
        }

        var actions = statement.Action is null ? new[] { Whole } : statement.Action.Select(NormalizeAction).ToArray();
        var resources = statement.Resource is null ? new[] { Whole } : statement.Resource.ToArray();
        foreach (var action in actions)
        {
            foreach (var resource in resources)
            {
                grants.Add(new Grant(action, resource), label);
            }
        }
    }

    private readonly struct Grant
    {
        public Grant(string action, string resource)
        {
            Action = action;
            Resource = resource;
        }

        public string Action { get; }

        public string Resource { get; }

        public bool IsWild => HasWildcard(Action) || HasWildcard(Resource);

        public bool Covers(Grant other)
        {
            var actionCovered = Action.Length == 0 || other.Action.Length == 0
                ? Action.Length == other.Action.Length
                : PatternCoverage.ActionCovers(Action, other.Action);
            if (!actionCovered)
            {
                return false;
            }

            return Resource.Length == 0 || other.Resource.Length == 0
                ? Resource.Length == other.Resource.Length
                : PatternCoverage.ResourceCovers(Resource, other.Resource);
        }

        // Total order used to keep one of two grants that cover each other.
        public int CompareTo(Grant other)
        {
            var c = StringComparer.OrdinalIgnoreCase.Compare(Action, other.Action);
            c = c != 0 ? c : string.CompareOrdinal(Action, other.Action);
            return c != 0 ? c : string.CompareOrdinal(Resource, other.Resource);
        }

        private static bool HasWildcard(string value) => value.IndexOf('*') >= 0 || value.IndexOf('?') >= 0;
    }

    private sealed class ScopeGrants
    {
        // Case-insensitive actions, ordinal resources: IAM's own comparison rules.
        private readonly Dictionary<(string, string), (Grant Grant, HashSet<string> Labels)> _grants = new(GrantKeyComparer.Instance);

        public ScopeGrants(GrantScope representative) => Representative = representative;

        public GrantScope Representative { get; private set; }

        /// <summary>Equal scopes may be spelled differently (key case): keep the smallest spelling so the result does not depend on input order.</summary>
        public void Offer(GrantScope other)
        {
            if (string.CompareOrdinal(other.SortText, Representative.SortText) < 0)
            {
                Representative = other;
            }
        }

        public void Add(Grant grant, string label)
        {
            var key = (grant.Action, grant.Resource);
            if (_grants.TryGetValue(key, out var existing))
            {
                existing.Labels.Add(label);
                if (grant.CompareTo(existing.Grant) < 0)
                {
                    _grants[key] = (grant, existing.Labels);
                }
            }
            else
            {
                _grants.Add(key, (grant, new HashSet<string>(StringComparer.Ordinal) { label }));
            }
        }

        /// <summary>The grants no other grant covers; credits every input grant to a surviving one.</summary>
        public List<Grant> Reduce(SortedDictionary<string, SortedSet<string>> provenance)
        {
            var all = _grants.Values.OrderBy(g => g.Grant, GrantOrder.Instance).ToList();
            var wild = all.Where(g => g.Grant.IsWild).Select(g => g.Grant).ToList();
            var survivors = new List<Grant>();
            var dominated = new List<(Grant Grant, HashSet<string> Labels)>();
            var byAction = new Dictionary<string, List<Grant>>(StringComparer.OrdinalIgnoreCase);
            foreach (var item in all)
            {
                if (IsDominated(item.Grant, wild, byAction))
                {
                    dominated.Add(item);
                }
                else
                {
                    survivors.Add(item.Grant);
                    Credit(provenance, item.Grant, item.Labels);
                }
            }

            var wildSurvivors = survivors.Where(s => s.IsWild).ToList();
            foreach (var item in dominated)
            {
                // Coverage is transitive, so a surviving grant covers every dropped one; should a
                // pattern pair ever defeat that, the grant is kept rather than lost.
                var owner = wildSurvivors.FirstOrDefault(s => s.Covers(item.Grant));
                if (owner.Action is null)
                {
                    survivors.Add(item.Grant);
                    owner = item.Grant;
                }

                Credit(provenance, owner, item.Labels);
            }

            return survivors;
        }

        private static bool IsDominated(Grant grant, List<Grant> wild, Dictionary<string, List<Grant>> byAction)
        {
            // Only grants whose action covers this one's can cover it; found once per action.
            if (!byAction.TryGetValue(grant.Action, out var candidates))
            {
                candidates = wild.Where(w => w.Action.Length == 0 || grant.Action.Length == 0
                    ? w.Action.Length == grant.Action.Length
                    : PatternCoverage.ActionCovers(w.Action, grant.Action)).ToList();
                byAction.Add(grant.Action, candidates);
            }

            foreach (var other in candidates)
            {
                if (GrantKeyComparer.Instance.Equals((other.Action, other.Resource), (grant.Action, grant.Resource)))
                {
                    continue;
                }

                if (other.Covers(grant) && (!grant.Covers(other) || other.CompareTo(grant) < 0))
                {
                    return true;
                }
            }

            return false;
        }

        private static void Credit(SortedDictionary<string, SortedSet<string>> provenance, Grant grant, HashSet<string> labels)
        {
            if (grant.Action.Length == 0)
            {
                return;
            }

            if (!provenance.TryGetValue(grant.Action, out var set))
            {
                set = new SortedSet<string>(StringComparer.Ordinal);
                provenance.Add(grant.Action, set);
            }

            set.UnionWith(labels);
        }
    }

    private sealed class GrantOrder : IComparer<Grant>
    {
        public static readonly GrantOrder Instance = new();

        public int Compare(Grant x, Grant y) => x.CompareTo(y);
    }

    private sealed class GrantKeyComparer : IEqualityComparer<(string Action, string Resource)>
    {
        public static readonly GrantKeyComparer Instance = new();

        public bool Equals((string Action, string Resource) x, (string Action, string Resource) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Action, y.Action) && StringComparer.Ordinal.Equals(x.Resource, y.Resource);

        public int GetHashCode((string Action, string Resource) obj) =>
            (StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Action) * 397) ^ StringComparer.Ordinal.GetHashCode(obj.Resource);
    }

    private sealed class SortedReadOnlyMap : IReadOnlyDictionary<string, string[]>
    {
        private readonly Dictionary<string, string[]> _map;
        private readonly string[] _keys;

        public SortedReadOnlyMap(Dictionary<string, string[]> map)
        {
            _map = map;
            _keys = map.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase).ThenBy(k => k, StringComparer.Ordinal).ToArray();
        }

        public string[] this[string key] => _map[key];

        public IEnumerable<string> Keys => _keys;

        public IEnumerable<string[]> Values => _keys.Select(k => _map[k]);

        public int Count => _map.Count;

        public bool ContainsKey(string key) => _map.ContainsKey(key);

        public bool TryGetValue(string key, out string[] value) => _map.TryGetValue(key, out value!);

        public IEnumerator<KeyValuePair<string, string[]>> GetEnumerator() =>
            _keys.Select(k => new KeyValuePair<string, string[]>(k, _map[k])).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
