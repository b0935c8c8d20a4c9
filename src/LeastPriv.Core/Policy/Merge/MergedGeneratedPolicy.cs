using System.Globalization;

namespace LeastPriv.Core.Policy.Merge;

/// <summary>
/// Merges policies given in any form (<see cref="LPPolicyInput"/>) into one generated-policy
/// object: the merged document, and the evidence of the generated inputs carried over (events
/// counted, unmapped and denied calls, inferred actions), so a merged policy is complete only
/// when every input was.
/// </summary>
public static class MergedGeneratedPolicy
{
    /// <summary>The merged policy and its provenance (action -> labels of the inputs that granted it).</summary>
    public static (LPGeneratedPolicy Policy, PolicyMergeResult Merge) Merge(IReadOnlyList<LPPolicyInput> inputs, IReadOnlyList<PolicyDocument> documents)
    {
        if (inputs is null)
        {
            throw new ArgumentNullException(nameof(inputs));
        }

        if (documents is null || documents.Count != inputs.Count)
        {
            throw new ArgumentException("One document is needed per input.", nameof(documents));
        }

        var labels = DistinctLabels(inputs.Select(i => i.Label).ToList());
        var merge = PolicyMerger.Merge(documents.Select((d, i) => new PolicyMergeInput(d, labels[i])));
        var document = merge.Document;
        var generated = inputs.Select(i => i.Generated).Where(g => g is not null).Select(g => g!).ToList();
        var actions = document.Statements
            .SelectMany(s => s.Action ?? Array.Empty<string>())
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderBy(a => a, StringComparer.OrdinalIgnoreCase)
            .ToArray();
        var incomplete = inputs
            .Select((input, i) => (input.Generated, Label: labels[i]))
            .Where(x => x.Generated is { IsComplete: false })
            .SelectMany(x => x.Generated!.IncompleteReasons.Length == 0
                ? new[] { x.Label + ": incomplete" }
                : x.Generated.IncompleteReasons.Select(r => x.Label + ": " + r))
            .ToArray();
        var principals = generated.SelectMany(g => g.Principals).Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal).ToArray();
        var principalArns = generated.Select(g => g.PrincipalArn).Distinct(StringComparer.Ordinal).ToList();
        var scopes = generated.Select(g => g.ResourceScope).Distinct(StringComparer.Ordinal).ToList();

        var policy = new LPGeneratedPolicy
        {
            PolicyDocument = document,
            Json = document.ToJson(indented: true),
            Actions = actions,
            Services = actions.Select(PolicyMerger.ServiceOf).Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal).ToArray(),
            Source = "Merge: " + string.Join(", ", labels),
            EventCount = generated.Sum(g => g.EventCount),
            MatchedEventCount = generated.Sum(g => g.MatchedEventCount),
            UnmappedEvents = generated.SelectMany(g => g.UnmappedEvents)
                .GroupBy(u => u.Name, StringComparer.Ordinal)
                .Select(g => new LPUnmappedEvent { EventSource = g.First().EventSource, EventName = g.First().EventName, Name = g.Key, Count = g.Sum(u => u.Count) })
                .OrderBy(u => u.Name, StringComparer.Ordinal)
                .ToArray(),
            DeniedCalls = generated.SelectMany(g => g.DeniedCalls)
                .GroupBy(d => d.Action, StringComparer.OrdinalIgnoreCase)
                .Select(g => new LPDeniedCall { Action = g.Key, Count = g.Sum(d => d.Count), ErrorCode = g.First().ErrorCode, MessageSample = g.First().MessageSample, Granted = g.Any(d => d.Granted) })
                .OrderBy(d => d.Action, StringComparer.OrdinalIgnoreCase)
                .ToArray(),
            InferredActions = generated.SelectMany(g => g.InferredActions)
                .GroupBy(a => (a.Action, a.Reason, a.Granted))
                .Select(g => new LPInferredAction { Action = g.Key.Action, Reason = g.Key.Reason, Granted = g.Key.Granted, Resources = g.SelectMany(a => a.Resources).Distinct(StringComparer.Ordinal).OrderBy(r => r, StringComparer.Ordinal).ToArray() })
                .ToArray(),
            ServiceInvokedActions = generated.SelectMany(g => g.ServiceInvokedActions)
                .GroupBy(a => (a.Action, a.InvokedBy, a.ViaServiceCondition))
                .Select(g => new LPServiceInvokedAction { Action = g.Key.Action, InvokedBy = g.Key.InvokedBy, ViaServiceCondition = g.Key.ViaServiceCondition, Count = g.Sum(a => a.Count) })
                .ToArray(),
            IgnoredEvents = generated.SelectMany(g => g.IgnoredEvents)
                .GroupBy(e => e.Reason, StringComparer.Ordinal)
                .Select(g => new LPIgnoredEvents { Reason = g.Key, Count = g.Sum(e => e.Count) })
                .ToArray(),
            IsComplete = incomplete.Length == 0,
            IncompleteReasons = incomplete,
            ResourceScope = scopes.Count == 1 ? scopes[0] : scopes.Count == 0 ? "Any" : "Mixed",
            StartTime = generated.Where(g => g.StartTime is not null).Select(g => g.StartTime).DefaultIfEmpty(null).Min(),
            EndTime = generated.Where(g => g.EndTime is not null).Select(g => g.EndTime).DefaultIfEmpty(null).Max(),
            PrincipalArn = principalArns.Count == 1 && generated.Count == inputs.Count ? principalArns[0] : null,
            Principals = principals,
            Regions = generated.SelectMany(g => g.Regions).Distinct(StringComparer.Ordinal).OrderBy(r => r, StringComparer.Ordinal).ToArray(),
            PolicySize = document.IamSize,
        };
        return (policy, merge);
    }

    /// <summary>Labels made unique by numbering repeats in input order: CloudTrail, CloudTrail -> CloudTrail#1, CloudTrail#2.</summary>
    public static IReadOnlyList<string> DistinctLabels(IReadOnlyList<string> labels)
    {
        var repeated = new HashSet<string>(labels.GroupBy(l => l, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key), StringComparer.Ordinal);
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<string>(labels.Count);
        foreach (var label in labels)
        {
            if (!repeated.Contains(label))
            {
                result.Add(label);
                continue;
            }

            counters.TryGetValue(label, out var n);
            counters[label] = ++n;
            result.Add(label + "#" + n.ToString(CultureInfo.InvariantCulture));
        }

        return result;
    }
}
