namespace LeastPriv.Core.Generation;

/// <summary>
/// What one thread has seen so far. Not thread-safe on purpose: the reader's parallel visitor
/// gives each worker its own accumulator and merges them at the end (<see cref="MergeFrom"/>),
/// so the hot path takes no lock. Everything kept is order-independent (counts, sets, min/max,
/// earliest sample), so the merged result does not depend on how records were split.
/// </summary>
public sealed class GenerationAccumulator
{
    internal long EventCount;
    internal long MatchedEventCount;
    internal DateTimeOffset? StartTime;
    internal DateTimeOffset? EndTime;
    internal readonly Dictionary<string, ActionUse> Actions = new(StringComparer.OrdinalIgnoreCase);
    internal readonly Dictionary<string, long> Unmapped = new(StringComparer.Ordinal);
    internal readonly Dictionary<string, DeniedUse> Denied = new(StringComparer.OrdinalIgnoreCase);
    internal readonly Dictionary<string, long> Ignored = new(StringComparer.Ordinal);

    /// <summary>Role-passing actions whose records came without request text -> calls.</summary>
    internal readonly Dictionary<string, long> RequestTextMissing = new(StringComparer.OrdinalIgnoreCase);
    internal readonly Dictionary<string, long> Principals = new(StringComparer.Ordinal);
    internal readonly HashSet<string> Regions = new(StringComparer.Ordinal);

    /// <summary>Role ARN -> "service:EventName" of the calls that passed it.</summary>
    internal readonly Dictionary<string, SortedSet<string>> PassedRoles = new(StringComparer.Ordinal);

    /// <summary>Instance profile (ARN or name) -> calls that passed it.</summary>
    internal readonly Dictionary<string, SortedSet<string>> PassedInstanceProfiles = new(StringComparer.Ordinal);

    /// <summary>Role ARN as masked in the log (<c>arn:aws:iam::700***:role/x</c>) -> calls that passed it.</summary>
    internal readonly Dictionary<string, SortedSet<string>> PassedMaskedRoles = new(StringComparer.Ordinal);

    internal readonly SortedSet<string> ReaderProblems = new(StringComparer.Ordinal);

    /// <summary>(action, ARN) -> matching resource type name or null: logs repeat the same few resources.</summary>
    internal readonly Dictionary<(string Action, string Arn), string?> MatchCache = new();

    /// <summary>Records given to this accumulator.</summary>
    public long Count => EventCount;

    /// <summary>Notes a problem found while reading (a corrupt file skipped...): the policy is then reported incomplete.</summary>
    public void AddIncompleteReason(string reason) => ReaderProblems.Add(reason);

    /// <summary>Folds another accumulator into this one (the other is not used afterwards).</summary>
    public void MergeFrom(GenerationAccumulator other)
    {
        EventCount += other.EventCount;
        MatchedEventCount += other.MatchedEventCount;
        StartTime = Min(StartTime, other.StartTime);
        EndTime = Max(EndTime, other.EndTime);
        foreach (var pair in other.Actions)
        {
            if (Actions.TryGetValue(pair.Key, out var mine))
            {
                mine.MergeFrom(pair.Value);
            }
            else
            {
                Actions.Add(pair.Key, pair.Value);
            }
        }

        AddCounts(Unmapped, other.Unmapped);
        AddCounts(Ignored, other.Ignored);
        AddCounts(RequestTextMissing, other.RequestTextMissing);
        AddCounts(Principals, other.Principals);
        foreach (var pair in other.Denied)
        {
            if (Denied.TryGetValue(pair.Key, out var mine))
            {
                mine.MergeFrom(pair.Value);
            }
            else
            {
                Denied.Add(pair.Key, pair.Value);
            }
        }

        Regions.UnionWith(other.Regions);
        MergeSets(PassedRoles, other.PassedRoles);
        MergeSets(PassedInstanceProfiles, other.PassedInstanceProfiles);
        MergeSets(PassedMaskedRoles, other.PassedMaskedRoles);
        ReaderProblems.UnionWith(other.ReaderProblems);
    }

    internal static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    internal static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    internal static void Increment(Dictionary<string, long> counts, string key, long by = 1)
    {
        counts.TryGetValue(key, out var count);
        counts[key] = count + by;
    }

    internal static void AddTo(Dictionary<string, SortedSet<string>> sets, string key, string value)
    {
        if (!sets.TryGetValue(key, out var set))
        {
            set = new SortedSet<string>(StringComparer.Ordinal);
            sets.Add(key, set);
        }

        set.Add(value);
    }

    private static void AddCounts(Dictionary<string, long> into, Dictionary<string, long> from)
    {
        foreach (var pair in from)
        {
            Increment(into, pair.Key, pair.Value);
        }
    }

    private static void MergeSets(Dictionary<string, SortedSet<string>> into, Dictionary<string, SortedSet<string>> from)
    {
        foreach (var pair in from)
        {
            if (into.TryGetValue(pair.Key, out var set))
            {
                set.UnionWith(pair.Value);
            }
            else
            {
                into.Add(pair.Key, pair.Value);
            }
        }
    }
}

/// <summary>How one action was used.</summary>
internal sealed class ActionUse
{
    public ActionUse(string action) => Action = action;

    public string Action { get; }

    public long Count;

    /// <summary>Calls the principal made itself (not through a forward access session).</summary>
    public long DirectCount;

    /// <summary>Calls whose resource could not be scoped: the action then needs "*".</summary>
    public long UnscopedCount;

    /// <summary>True when only -IncludeDenied put it here.</summary>
    public bool FromDeniedOnly = true;

    /// <summary>Observed ARNs matching the action's resource types -> catalog resource type name.</summary>
    public readonly Dictionary<string, string> Resources = new(StringComparer.Ordinal);

    /// <summary>invokedBy host -> calls; for forward access sessions.</summary>
    public readonly Dictionary<string, long> InvokedBy = new(StringComparer.Ordinal);

    /// <summary>ViaService values (service.region.amazonaws.com) of forward-access calls.</summary>
    public readonly SortedSet<string> ViaServices = new(StringComparer.Ordinal);

    public void AddResource(string arn, string resourceType)
    {
        // An ARN matching two resource types keeps the ordinally first, whatever the record order.
        if (!Resources.TryGetValue(arn, out var known) || string.CompareOrdinal(resourceType, known) < 0)
        {
            Resources[arn] = resourceType;
        }
    }

    public void MergeFrom(ActionUse other)
    {
        Count += other.Count;
        DirectCount += other.DirectCount;
        UnscopedCount += other.UnscopedCount;
        FromDeniedOnly &= other.FromDeniedOnly;
        foreach (var pair in other.Resources)
        {
            AddResource(pair.Key, pair.Value);
        }

        foreach (var pair in other.InvokedBy)
        {
            GenerationAccumulator.Increment(InvokedBy, pair.Key, pair.Value);
        }

        ViaServices.UnionWith(other.ViaServices);
    }
}

/// <summary>Refused calls for one action.</summary>
internal sealed class DeniedUse
{
    public DeniedUse(string action) => Action = action;

    public string Action { get; }

    public long Count;

    public DateTimeOffset SampleTime = DateTimeOffset.MaxValue;

    public string? SampleCode;

    public string? SampleMessage;

    public void Offer(DateTimeOffset time, string? code, string? message)
    {
        // Keep the earliest (ties: smallest text) so the sample does not depend on record order.
        if (time < SampleTime || (time == SampleTime && string.CompareOrdinal(message, SampleMessage) < 0))
        {
            SampleTime = time;
            SampleCode = code;
            SampleMessage = message;
        }
    }

    public void MergeFrom(DeniedUse other)
    {
        Count += other.Count;
        Offer(other.SampleTime, other.SampleCode, other.SampleMessage);
    }
}
