using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace LeastPriv.Core.Catalog;

public enum EventMappingKind
{
    /// <summary>The call needs the listed actions.</summary>
    Actions,

    /// <summary>The call needs no permission (sts:GetCallerIdentity, ...).</summary>
    NoPermissionRequired,

    /// <summary>An internal event name that is not an IAM action (reported, not granted).</summary>
    NotAnAction,

    /// <summary>No rule and no catalog entry: reported by name, never invented.</summary>
    Unmapped,
}

public sealed class EventMapping
{
    public EventMapping(EventMappingKind kind, IReadOnlyList<string> actions, string? note = null)
    {
        Kind = kind;
        Actions = actions;
        Note = note;
    }

    public EventMappingKind Kind { get; }

    /// <summary>IAM actions in "prefix:Name" form with catalog casing; empty unless Kind is Actions.</summary>
    public IReadOnlyList<string> Actions { get; }

    public string? Note { get; }

    public override string ToString() =>
        Kind == EventMappingKind.Actions ? string.Join(", ", Actions) : Kind + (Note is null ? string.Empty : ": " + Note);
}

/// <summary>
/// Maps a CloudTrail (eventSource, eventName) pair to the IAM actions the call needed.
/// </summary>
/// <remarks>
/// Order of rules: eventSource host -> IAM prefix (last host label before ".amazonaws.com", with a
/// table of exceptions); then the curated rows in <see cref="EventMappingRules"/> (renamed S3
/// operations, multi-action calls, permission-free calls, sign-in and service events); then the
/// eventName itself when the catalog has it (true for the large majority of calls); then the name
/// without an API version suffix (Lambda <c>CreateFunction20150331</c>, CloudFront
/// <c>CreateDistribution2020_05_31</c>); then API Gateway's HTTP-verb actions. Anything else is
/// <see cref="EventMappingKind.Unmapped"/>: every action returned exists in the catalog.
/// </remarks>
public sealed class EventActionMapper
{
    // Bound the cache so that a log with millions of distinct made-up names cannot grow it forever;
    // real trails have a few thousand distinct pairs at most.
    private const int MaxCachedPairs = 100_000;

    private static readonly Lazy<EventActionMapper> DefaultMapper =
        new(() => new EventActionMapper(IamCatalog.Default), LazyThreadSafetyMode.ExecutionAndPublication);

    // Trailing API version: 20150331, 20150331v2, 2020_05_31, 2019_03_26v2 (digits inside the name,
    // as in "Ipv6", stay with the name).
    private static readonly Regex VersionSuffix =
        new(@"^(?<name>[A-Za-z][A-Za-z0-9]*?)(?:\d{8}|\d{4}_\d{2}_\d{2})(?:v\d+)?$", RegexOptions.CultureInvariant);

    private static readonly string[] NoActions = Array.Empty<string>();

    private readonly ConcurrentDictionary<(string Source, string Name), EventMapping> _cache = new();
    private readonly ConcurrentDictionary<string, string?> _prefixCache = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Prefix, string Name), EventMapping> _rules;
    private readonly List<string> _rejectedRules = new();

    public EventActionMapper(IamCatalog catalog)
    {
        Catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _rules = new Dictionary<(string, string), EventMapping>(PairComparer.Instance);
        foreach (var rule in EventMappingRules.All)
        {
            var mapping = Resolve(rule);
            if (mapping is not null)
            {
                _rules[(rule.Prefix, rule.EventName)] = mapping;
            }
        }
    }

    public static EventActionMapper Default => DefaultMapper.Value;

    public IamCatalog Catalog { get; }

    /// <summary>
    /// Curated rows that did not resolve against <see cref="Catalog"/> and were therefore dropped
    /// (a catalog update renamed or removed an action); empty for the embedded catalog.
    /// </summary>
    public IReadOnlyList<string> RejectedRules => _rejectedRules;

    /// <summary>IAM service prefix for an eventSource host ("monitoring.amazonaws.com" -> "cloudwatch"), or null.</summary>
    public string? ServicePrefixFor(string eventSource)
    {
        if (string.IsNullOrEmpty(eventSource))
        {
            return null;
        }

        return _prefixCache.Count < MaxCachedPairs
            ? _prefixCache.GetOrAdd(eventSource, ComputePrefix)
            : ComputePrefix(eventSource);
    }

    /// <summary>Thread-safe and cached: called once per record on hot paths.</summary>
    public EventMapping Map(string eventSource, string eventName)
    {
        if (string.IsNullOrEmpty(eventSource) || string.IsNullOrEmpty(eventName))
        {
            return new EventMapping(EventMappingKind.Unmapped, NoActions, "The record has no eventSource or eventName.");
        }

        if (_cache.TryGetValue((eventSource, eventName), out var cached))
        {
            return cached;
        }

        var mapping = Compute(eventSource, eventName);
        if (_cache.Count < MaxCachedPairs)
        {
            _cache.TryAdd((eventSource, eventName), mapping);
        }

        return mapping;
    }

    private string? ComputePrefix(string eventSource)
    {
        var host = eventSource.Trim();
        host = StripSuffix(host, ".amazonaws.com.cn") ?? StripSuffix(host, ".amazonaws.com") ?? host;
        if (host.Length == 0)
        {
            return null;
        }

        if (EventMappingRules.SourcePrefixExceptions.TryGetValue(host, out var mapped))
        {
            return mapped;
        }

        // "streams.dynamodb", "runtime.sagemaker", "api.ecr": the service is the last label.
        var label = host.Substring(host.LastIndexOf('.') + 1);
        if (EventMappingRules.SourcePrefixExceptions.TryGetValue(label, out mapped))
        {
            return mapped;
        }

        return Catalog.TryGetService(label, out var service) ? service.Prefix : null;
    }

    private EventMapping Compute(string eventSource, string eventName)
    {
        var prefix = ServicePrefixFor(eventSource);
        if (prefix is null)
        {
            return new EventMapping(
                EventMappingKind.Unmapped,
                NoActions,
                $"No IAM service prefix is known for event source '{eventSource}'.");
        }

        var name = eventName.Trim();
        if (TryByName(prefix, name, out var mapping))
        {
            return mapping;
        }

        var match = VersionSuffix.Match(name);
        if (match.Success && TryByName(prefix, match.Groups["name"].Value, out mapping))
        {
            return mapping;
        }

        if (string.Equals(prefix, "apigateway", StringComparison.Ordinal)
            && EventMappingRules.ApiGatewayVerb(name) is { } verb
            && Catalog.TryGetAction("apigateway:" + verb, out var verbAction))
        {
            return new EventMapping(
                EventMappingKind.Actions,
                new[] { verbAction.FullName },
                "API Gateway authorises management calls by HTTP verb on the resource path.");
        }

        return new EventMapping(
            EventMappingKind.Unmapped,
            NoActions,
            $"'{prefix}:{name}' is not an action in the IAM catalog ({Catalog.DataVersion}) and no rule maps it.");
    }

    private bool TryByName(string prefix, string name, out EventMapping mapping)
    {
        if (_rules.TryGetValue((prefix, name), out mapping!))
        {
            return true;
        }

        if (Catalog.TryGetService(prefix, out var service) && service.Actions.TryGetValue(name, out var action))
        {
            mapping = new EventMapping(EventMappingKind.Actions, new[] { action.FullName });
            return true;
        }

        return false;
    }

    private EventMapping? Resolve(EventMappingRules.Rule rule)
    {
        if (rule.Kind != EventMappingKind.Actions)
        {
            // A name listed as "not an action" or "depends on the request" must not shadow a real
            // catalog action.
            if (rule.Kind is EventMappingKind.NotAnAction or EventMappingKind.Unmapped
                && Catalog.TryGetAction(rule.Prefix + ":" + rule.EventName, out _))
            {
                _rejectedRules.Add($"{rule}: listed as {rule.Kind}, but the catalog has it");
                return null;
            }

            return new EventMapping(rule.Kind, NoActions, rule.Note);
        }

        var actions = new string[rule.Actions.Length];
        for (var i = 0; i < actions.Length; i++)
        {
            if (!Catalog.TryGetAction(rule.Actions[i], out var action))
            {
                _rejectedRules.Add($"{rule}: {rule.Actions[i]} is not in the catalog");
                return null;
            }

            actions[i] = action.FullName;
        }

        return new EventMapping(EventMappingKind.Actions, actions, rule.Note);
    }

    private static string? StripSuffix(string host, string suffix) =>
        host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) ? host.Substring(0, host.Length - suffix.Length) : null;

    private sealed class PairComparer : IEqualityComparer<(string Prefix, string Name)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((string Prefix, string Name) x, (string Prefix, string Name) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Prefix, y.Prefix) && StringComparer.OrdinalIgnoreCase.Equals(x.Name, y.Name);

        public int GetHashCode((string Prefix, string Name) obj) =>
            (StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Prefix) * 397) ^ StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Name);
    }
}
