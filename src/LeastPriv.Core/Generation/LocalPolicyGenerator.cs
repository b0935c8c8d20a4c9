using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LeastPriv.Core.Catalog;
using LeastPriv.Core.CloudTrail;
using LeastPriv.Core.Policy;

namespace LeastPriv.Core.Generation;

/// <summary>
/// The local generator: CloudTrail records in, a least-privilege identity policy out.
/// <para>
/// Built for the readers' parallel visitor: the generator itself is immutable and thread-safe;
/// each worker feeds its own <see cref="GenerationAccumulator"/> through <see cref="Add"/> (no
/// lock, no JSON DOM: request text is only scanned when a role may be passed or the resource
/// scope asks for ARNs), the accumulators are merged, and <see cref="Build"/> assembles the
/// policy once. The output does not depend on record order.
/// </para>
/// </summary>
public sealed class LocalPolicyGenerator
{
    // "User: arn:... is not authorized to perform: ec2:GetPasswordData on resource: ..."
    private static readonly Regex DeniedAction = new(@"not authorized to perform:?\s+([A-Za-z0-9-]+:[A-Za-z0-9*]+)", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    private static readonly StringComparer ActionOrder = new ActionComparer();

    // Calls that always name a role or instance profile to pass (their requestParameters are never null in CloudTrail).
    private static readonly HashSet<string> RolePassingActions = new(StringComparer.OrdinalIgnoreCase)
    {
        "lambda:CreateFunction", "lambda:UpdateFunctionConfiguration", "ecs:RegisterTaskDefinition", "cloudformation:CreateStack",
        "cloudformation:UpdateStack", "states:CreateStateMachine", "ec2:RunInstances", "ec2:AssociateIamInstanceProfile",
        "glue:CreateJob", "codebuild:CreateProject", "eks:CreateCluster", "eks:CreateNodegroup",
    };

    // Logs with millions of distinct object keys must not grow the cache without bound.
    private const int MatchCacheLimit = 100_000;

    private readonly EventActionMapper _mapper;
    private readonly IamCatalog _catalog;

    public LocalPolicyGenerator(LocalPolicyGeneratorOptions? options = null, EventActionMapper? mapper = null)
    {
        Options = options ?? new LocalPolicyGeneratorOptions();
        _mapper = mapper ?? EventActionMapper.Default;
        _catalog = _mapper.Catalog;
    }

    public LocalPolicyGeneratorOptions Options { get; }

    public GenerationAccumulator CreateAccumulator() => new();

    /// <summary>Generates from records in memory (one accumulator).</summary>
    public LPGeneratedPolicy Generate(IEnumerable<CloudTrailRecord> records, CancellationToken cancellationToken = default)
    {
        var accumulator = CreateAccumulator();
        foreach (var record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Add(accumulator, record);
        }

        return Build(accumulator);
    }

    /// <summary>Classifies one record into <paramref name="accumulator"/>. Thread-safe across distinct accumulators.</summary>
    public void Add(GenerationAccumulator accumulator, CloudTrailRecord record)
    {
        accumulator.EventCount++;
        if (record.EventTime != default)
        {
            accumulator.StartTime = GenerationAccumulator.Min(accumulator.StartTime, record.EventTime);
            accumulator.EndTime = GenerationAccumulator.Max(accumulator.EndTime, record.EventTime);
        }

        var ignored = NotThePrincipalsCall(record);
        if (ignored is not null)
        {
            GenerationAccumulator.Increment(accumulator.Ignored, ignored);
            return;
        }

        var principal = PrincipalOf(record.Identity);
        if (principal is not null)
        {
            GenerationAccumulator.Increment(accumulator.Principals, principal);
        }

        if (!string.IsNullOrEmpty(record.AwsRegion))
        {
            accumulator.Regions.Add(record.AwsRegion!);
        }

        var mapping = _mapper.Map(record.EventSource, record.EventName);
        IReadOnlyList<string> actions;
        var denied = record.IsAccessDenied;
        if (denied)
        {
            actions = DeniedActionsOf(record, mapping);
            if (actions.Count == 0)
            {
                GenerationAccumulator.Increment(accumulator.Unmapped, record.EventSource + ":" + record.EventName);
                return;
            }

            foreach (var action in actions)
            {
                if (!accumulator.Denied.TryGetValue(action, out var use))
                {
                    use = new DeniedUse(action);
                    accumulator.Denied.Add(action, use);
                }

                use.Count++;
                use.Offer(record.EventTime, record.ErrorCode, record.ErrorMessage);
            }

            if (!Options.IncludeDenied)
            {
                return;
            }
        }
        else
        {
            switch (mapping.Kind)
            {
                case EventMappingKind.Unmapped:
                    GenerationAccumulator.Increment(accumulator.Unmapped, record.EventSource + ":" + record.EventName);
                    return;
                case EventMappingKind.NoPermissionRequired:
                    GenerationAccumulator.Increment(accumulator.Ignored, "NoPermissionRequired");
                    return;
                case EventMappingKind.NotAnAction:
                    GenerationAccumulator.Increment(accumulator.Ignored, "NotAnAction");
                    return;
            }

            actions = mapping.Actions;
            if (actions.Count == 0)
            {
                GenerationAccumulator.Increment(accumulator.Unmapped, record.EventSource + ":" + record.EventName);
                return;
            }
        }

        GrantActions(accumulator, record, actions, denied);
    }

    /// <summary>Assembles the policy from everything added (merge the workers' accumulators first).</summary>
    public LPGeneratedPolicy Build(GenerationAccumulator accumulator) => new PolicyAssembly(this, accumulator).Build();

    private void GrantActions(GenerationAccumulator accumulator, CloudTrailRecord record, IReadOnlyList<string> actions, bool denied)
    {
        accumulator.MatchedEventCount++;
        var invokedBy = record.Identity.IsForwardAccessSession ? record.Identity.InvokedBy!.ToLowerInvariant() : null;
        List<string>? candidates = null;
        foreach (var action in actions)
        {
            if (!accumulator.Actions.TryGetValue(action, out var use))
            {
                use = new ActionUse(action);
                accumulator.Actions.Add(action, use);
            }

            use.Count++;
            if (!denied)
            {
                use.FromDeniedOnly = false;
            }

            _catalog.TryGetAction(action, out var catalogAction);
            if (invokedBy is not null)
            {
                GenerationAccumulator.Increment(use.InvokedBy, invokedBy);
                var viaKey = catalogAction is null ? null : ViaServiceKeyOf(catalogAction);
                if (viaKey is not null && !string.IsNullOrEmpty(record.AwsRegion))
                {
                    // kms:ViaService names the calling service's regional endpoint:
                    // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
                    var service = invokedBy.Substring(0, invokedBy.IndexOf('.'));
                    use.ViaServices.Add($"{service}.{record.AwsRegion}.amazonaws.com");
                }
                else
                {
                    use.DirectCount++;
                }
            }
            else
            {
                use.DirectCount++;
            }

            if (Options.ResourceScope == ResourceScope.Any)
            {
                continue;
            }

            if (catalogAction is null || !IsScopable(catalogAction))
            {
                use.UnscopedCount++;
                continue;
            }

            if (candidates is null)
            {
                candidates = new List<string>();
                RequestResourceScanner.Collect(record, catalogAction.ServicePrefix, candidates);
            }

            var matched = false;
            foreach (var arn in candidates)
            {
                if (!accumulator.MatchCache.TryGetValue((catalogAction.FullName, arn), out var type))
                {
                    type = catalogAction.Resources.FirstOrDefault(r => r.ResourceType.Matches(arn))?.ResourceType.Name;
                    if (accumulator.MatchCache.Count < MatchCacheLimit)
                    {
                        accumulator.MatchCache[(catalogAction.FullName, arn)] = type;
                    }
                }

                if (type is not null)
                {
                    use.AddResource(arn, type);
                    matched = true;
                }
            }

            if (!matched)
            {
                use.UnscopedCount++;
            }
        }

        if (Options.InferPassRole && record.RequestParametersJson is null && actions.Any(RolePassingActions.Contains))
        {
            // The record reached us without its request text (a reader not asked to keep it):
            // the role it passed cannot be known, which must not pass for "no role".
            GenerationAccumulator.Increment(accumulator.RequestTextMissing, actions.First(RolePassingActions.Contains));
        }

        if (Options.InferPassRole
            && record.ReadOnly != true
            && record.RequestParametersJson is not null
            && !IsIdentityService(record.EventSource)
            && PassedRoleScanner.MayPassRole(record.RequestParametersJson))
        {
            var call = actions[0];
            PassedRoleScanner.Scan(
                record.RequestParametersJson,
                role => GenerationAccumulator.AddTo(accumulator.PassedRoles, role, call),
                profile => GenerationAccumulator.AddTo(accumulator.PassedInstanceProfiles, profile, call),
                masked => GenerationAccumulator.AddTo(accumulator.PassedMaskedRoles, masked, call));
        }
    }

    /// <summary>
    /// Scoping an action with several required resource types (ec2:RunInstances needs the
    /// instance, image, subnet...) to the few ARNs a log shows would deny it, so only actions
    /// with at most one required resource type are scoped.
    /// </summary>
    private static bool IsScopable(IamAction action) =>
        action.SupportsResourceLevel && action.Resources.Count(r => r.Required) <= 1;

    private static string? ViaServiceKeyOf(IamAction action)
    {
        var key = action.ServicePrefix + ":ViaService";
        return action.ConditionKeys.Any(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) ? key : null;
    }

    // Roles named in IAM and STS requests are the subject of the call (CreateRole, AssumeRole), not passed to a service.
    private static bool IsIdentityService(string eventSource) =>
        eventSource.StartsWith("iam.", StringComparison.OrdinalIgnoreCase) || eventSource.StartsWith("sts.", StringComparison.OrdinalIgnoreCase);

    private IReadOnlyList<string> DeniedActionsOf(CloudTrailRecord record, EventMapping mapping)
    {
        // CloudTrail often names the refused action itself; that beats any mapping.
        if (record.ErrorMessage is not null)
        {
            var match = DeniedAction.Match(record.ErrorMessage);
            if (match.Success)
            {
                var named = match.Groups[1].Value;
                return new[] { _catalog.TryGetAction(named, out var known) ? known.FullName : named };
            }
        }

        return mapping.Kind == EventMappingKind.Actions ? mapping.Actions : Array.Empty<string>();
    }

    /// <summary>Why a record is not the principal's own call, or null when it is.</summary>
    internal static string? NotThePrincipalsCall(CloudTrailRecord record)
    {
        if (string.Equals(record.EventType, "AwsServiceEvent", StringComparison.Ordinal))
        {
            return "AwsServiceEvent";
        }

        if (string.Equals(record.EventType, "AwsConsoleSignIn", StringComparison.Ordinal)
            || string.Equals(record.EventSource, "signin.amazonaws.com", StringComparison.OrdinalIgnoreCase))
        {
            return "ConsoleSignIn";
        }

        if (string.Equals(record.EventType, "AwsCloudTrailInsight", StringComparison.Ordinal))
        {
            return "Insight";
        }

        var identity = record.Identity;
        if (string.Equals(identity.Type, "AWSService", StringComparison.Ordinal))
        {
            return "AwsServiceIdentity";
        }

        // Service-linked roles: path /aws-service-role/, names AWSServiceRoleFor*.
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
        var issuer = identity.SessionIssuer;
        if ((issuer?.Arn is not null && issuer.Arn.IndexOf(":role/aws-service-role/", StringComparison.Ordinal) >= 0)
            || (issuer?.UserName is not null && issuer.UserName.StartsWith("AWSServiceRoleFor", StringComparison.Ordinal))
            || (identity.Arn is not null && identity.Arn.IndexOf(":assumed-role/AWSServiceRoleFor", StringComparison.Ordinal) >= 0))
        {
            return "ServiceLinkedRole";
        }

        return null;
    }

    /// <summary>The IAM principal behind a record: the user, or the role for a role session.</summary>
    internal static string? PrincipalOf(UserIdentity identity) =>
        string.Equals(identity.Type, "AssumedRole", StringComparison.Ordinal) && identity.SessionIssuer?.Arn is not null
            ? identity.SessionIssuer.Arn
            : identity.Arn;

    /// <summary>Builds the policy from a merged accumulator.</summary>
    private sealed class PolicyAssembly
    {
        private readonly LocalPolicyGenerator _generator;
        private readonly GenerationAccumulator _acc;
        private readonly LocalPolicyGeneratorOptions _options;
        private readonly List<LPInferredAction> _inferred = new();
        private readonly List<string> _incomplete = new();

        public PolicyAssembly(LocalPolicyGenerator generator, GenerationAccumulator accumulator)
        {
            _generator = generator;
            _acc = accumulator;
            _options = generator.Options;
        }

        public LPGeneratedPolicy Build()
        {
            var grants = new List<Grant>();
            var granted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var use in _acc.Actions.Values.OrderBy(u => u.Action, ActionOrder))
            {
                if (use.FromDeniedOnly && !_options.IncludeDenied)
                {
                    continue;
                }

                grants.Add(GrantFor(use));
                granted.Add(use.Action);
            }

            AddPassRole(grants, granted);
            if (_options.IncludeDependentActions)
            {
                AddDependentActions(grants, granted);
            }

            var statements = ToStatements(grants);
            var document = new PolicyDocument { Version = PolicyDocument.Version2012, Statements = statements };
            var actions = granted.OrderBy(a => a, ActionOrder).ToArray();
            CollectIncompleteReasons();

            return new LPGeneratedPolicy
            {
                PolicyDocument = document,
                Json = document.ToJson(indented: true),
                PolicySize = document.IamSize,
                Actions = actions,
                Services = actions.Select(a => a.Substring(0, a.IndexOf(':')).ToLowerInvariant()).Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal).ToArray(),
                Source = "CloudTrail",
                EventCount = _acc.EventCount,
                MatchedEventCount = _acc.MatchedEventCount,
                UnmappedEvents = _acc.Unmapped
                    .OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => UnmappedEvent(p.Key, p.Value))
                    .ToArray(),
                DeniedCalls = _acc.Denied.Values
                    .OrderBy(d => d.Action, ActionOrder)
                    .Select(d => new LPDeniedCall { Action = d.Action, Count = d.Count, ErrorCode = d.SampleCode, MessageSample = d.SampleMessage, Granted = _options.IncludeDenied })
                    .ToArray(),
                InferredActions = _inferred.OrderBy(i => i.Action, ActionOrder).ThenBy(i => i.Reason, StringComparer.Ordinal).ToArray(),
                ServiceInvokedActions = ServiceInvoked(grants),
                IgnoredEvents = _acc.Ignored
                    .OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => new LPIgnoredEvents { Reason = p.Key, Count = p.Value })
                    .ToArray(),
                IsComplete = _incomplete.Count == 0,
                IncompleteReasons = _incomplete.ToArray(),
                ResourceScope = _options.ResourceScope.ToString(),
                StartTime = _acc.StartTime?.ToUniversalTime(),
                EndTime = _acc.EndTime?.ToUniversalTime(),
                Principals = _acc.Principals.Keys.OrderBy(p => p, StringComparer.Ordinal).ToArray(),
                PrincipalArn = _acc.Principals.Count == 1 ? _acc.Principals.Keys.First() : null,
                Regions = _acc.Regions.OrderBy(r => r, StringComparer.Ordinal).ToArray(),
            };
        }

        private Grant GrantFor(ActionUse use)
        {
            var grant = new Grant(use.Action) { Use = use };
            if (_options.ResourceScope != ResourceScope.Any && use.UnscopedCount == 0 && use.Resources.Count > 0)
            {
                foreach (var pair in use.Resources)
                {
                    foreach (var arn in PolicyArns(pair.Key))
                    {
                        grant.Resources.Add(arn);
                    }
                }

                // Named after the first ARN in policy order, so "table + its index" reads as a table statement.
                grant.ResourceType = use.Resources.OrderBy(p => p.Key, StringComparer.Ordinal).First().Value;
            }

            // Only calls made through a service: condition the grant on that service
            // (a direct call needs the action without the condition, so none is added then).
            if (use.DirectCount == 0 && use.ViaServices.Count > 0)
            {
                var values = use.ViaServices.Select(v => _options.Generalize.HasFlag(PolicyGeneralization.Region) ? GeneralizeViaService(v) : v)
                    .Distinct(StringComparer.Ordinal)
                    .OrderBy(v => v, StringComparer.Ordinal)
                    .ToList();
                grant.ConditionKey = use.Action.Substring(0, use.Action.IndexOf(':')) + ":ViaService";
                grant.ConditionOperator = values.Any(v => v.Contains('*')) ? "StringLike" : "StringEquals";
                grant.ConditionValues = values;
            }

            return grant;
        }

        private IEnumerable<string> PolicyArns(string observed)
        {
            var arn = _options.ResourceScope == ResourceScope.Pattern ? ArnText.ToPattern(observed) : observed;
            arn = ArnText.Generalize(arn, _options.Generalize);
            yield return arn;

            // CloudWatch Logs evaluates log-group actions against "log-group:NAME:*".
            // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html
            if (ArnText.ServiceOf(arn) == "logs" && arn.Contains(":log-group:") && !arn.Contains(":log-stream:") && !arn.EndsWith(":*", StringComparison.Ordinal))
            {
                yield return arn + ":*";
            }
        }

        private static string GeneralizeViaService(string value)
        {
            var parts = value.Split('.');
            return parts.Length == 4 ? $"{parts[0]}.*.amazonaws.com" : value;
        }

        /// <summary>An iam:PassRole the log shows was needed but does not let the generator grant: listed, and the policy marked incomplete.</summary>
        private void NotGranted(string resource, string reason, string incompleteReason)
        {
            _inferred.Add(new LPInferredAction
            {
                Action = "iam:PassRole",
                Reason = reason,
                Resources = new[] { resource },
                Granted = false,
            });
            _incomplete.Add(incompleteReason);
        }

        private void AddPassRole(List<Grant> grants, HashSet<string> granted)
        {
            foreach (var profile in _acc.PassedInstanceProfiles.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                NotGranted(
                    profile.Key,
                    $"{string.Join(", ", profile.Value)} passed instance profile {profile.Key}: grant iam:PassRole on the role in that profile (the log names the profile, not the role)",
                    $"iam:PassRole for the role in instance profile {profile.Key} is not granted: the log does not show which role the profile holds.");
            }

            foreach (var masked in _acc.PassedMaskedRoles.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                // A masked ARN is a guess at best (its '*' would match other accounts' roles): reported, never granted.
                NotGranted(
                    masked.Key,
                    $"{string.Join(", ", masked.Value)} passed role {masked.Key}, masked in the log: grant iam:PassRole on that role once its ARN is known",
                    $"iam:PassRole for the role {masked.Key} is not granted: its ARN is masked in the log.");
            }

            if (!_options.InferPassRole || _acc.PassedRoles.Count == 0)
            {
                return;
            }

            // Always scoped to the roles seen, whatever -ResourceScope says: iam:PassRole on "*"
            // lets the holder hand any role, including an administrator's, to a service.
            var roles = _acc.PassedRoles.Keys
                .SelectMany(PolicyArns)
                .Distinct(StringComparer.Ordinal)
                .OrderBy(r => r, StringComparer.Ordinal)
                .ToList();
            var callers = _acc.PassedRoles.Values.SelectMany(v => v).Distinct(StringComparer.Ordinal).OrderBy(c => c, StringComparer.Ordinal);
            _inferred.Add(new LPInferredAction
            {
                Action = "iam:PassRole",
                Reason = $"role ARNs passed in the requests of {string.Join(", ", callers)} (CloudTrail does not record iam:PassRole)",
                Resources = roles.ToArray(),
                Granted = true,
            });

            var existing = grants.FirstOrDefault(g => string.Equals(g.Action, "iam:PassRole", StringComparison.OrdinalIgnoreCase));
            if (existing is not null)
            {
                grants.Remove(existing);
            }

            var grant = new Grant("iam:PassRole") { ResourceType = "role" };
            foreach (var role in roles)
            {
                grant.Resources.Add(role);
            }

            grants.Add(grant);
            granted.Add("iam:PassRole");
        }

        private void AddDependentActions(List<Grant> grants, HashSet<string> granted)
        {
            var reasons = new SortedDictionary<string, SortedSet<string>>(ActionOrder);
            foreach (var grant in grants.Where(g => g.Use is not null))
            {
                if (!_generator._catalog.TryGetAction(grant.Action, out var action))
                {
                    continue;
                }

                foreach (var dependent in action.DependentActions)
                {
                    // iam:PassRole is inferred from the roles actually passed, never granted on "*".
                    if (granted.Contains(dependent) || string.Equals(dependent, "iam:PassRole", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    var name = _generator._catalog.TryGetAction(dependent, out var known) ? known.FullName : dependent;
                    if (!reasons.TryGetValue(name, out var by))
                    {
                        by = new SortedSet<string>(StringComparer.Ordinal);
                        reasons.Add(name, by);
                    }

                    by.Add(grant.Action);
                }
            }

            foreach (var pair in reasons)
            {
                _inferred.Add(new LPInferredAction
                {
                    Action = pair.Key,
                    Reason = $"catalog dependent action of {string.Join(", ", pair.Value)}",
                    Resources = new[] { "*" },
                    Granted = true,
                });
                grants.Add(new Grant(pair.Key));
                granted.Add(pair.Key);
            }
        }

        private static IReadOnlyList<PolicyStatement> ToStatements(List<Grant> grants)
        {
            var groups = grants
                .GroupBy(g => g.GroupKey, StringComparer.Ordinal)
                .Select(g => g.ToList())
                .OrderBy(g => g[0].Service, StringComparer.Ordinal)
                .ThenBy(g => g[0].Resources.Count == 0 ? 0 : 1)
                .ThenBy(g => g[0].ResourceType ?? string.Empty, StringComparer.Ordinal)
                .ThenBy(g => g[0].Resources.ToList(), ResourceListOrder.Instance)
                .ThenBy(g => g[0].GroupKey, StringComparer.Ordinal)
                .ToList();

            var ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
            var statements = new List<PolicyStatement>();
            foreach (var group in groups)
            {
                var first = group[0];
                var sidBase = Pascal(first.Service) + (first.Resources.Count == 0 ? "All" : Pascal(first.ResourceType ?? "Resource"))
                    + (first.ConditionKey is null ? string.Empty : "ViaService");
                ordinals.TryGetValue(sidBase, out var ordinal);
                ordinals[sidBase] = ++ordinal;

                var condition = PolicyCondition.Empty;
                if (first.ConditionKey is not null)
                {
                    condition = condition.With(first.ConditionOperator!, first.ConditionKey, first.ConditionValues!);
                }

                statements.Add(new PolicyStatement
                {
                    Sid = sidBase + ordinal.ToString(CultureInfo.InvariantCulture),
                    Effect = PolicyEffect.Allow,
                    Action = group.Select(g => g.Action).OrderBy(a => a, ActionOrder).ToList(),
                    Resource = first.Resources.Count == 0 ? new[] { "*" } : first.Resources.ToList(),
                    Condition = condition,
                });
            }

            return statements;
        }

        private LPServiceInvokedAction[] ServiceInvoked(List<Grant> grants) =>
            grants
                .Where(g => g.Use is not null && g.Use.InvokedBy.Count > 0)
                .SelectMany(g => g.Use!.InvokedBy.Select(p => new LPServiceInvokedAction
                {
                    Action = g.Action,
                    InvokedBy = p.Key,
                    Count = p.Value,
                    ViaServiceCondition = g.ConditionValues is null ? null : string.Join(", ", g.ConditionValues),
                }))
                .OrderBy(s => s.Action, ActionOrder)
                .ThenBy(s => s.InvokedBy, StringComparer.Ordinal)
                .ToArray();

        private void CollectIncompleteReasons()
        {
            if (_acc.MatchedEventCount == 0 && _acc.Denied.Count == 0 && _acc.Unmapped.Count == 0)
            {
                _incomplete.Add("No call of the principal was found: the policy grants nothing.");
            }

            if (_acc.Unmapped.Count > 0)
            {
                var total = _acc.Unmapped.Values.Sum();
                _incomplete.Add($"{total} call(s) have no known IAM action and are not granted: {string.Join(", ", _acc.Unmapped.Keys.OrderBy(k => k, StringComparer.Ordinal))}.");
            }

            if (_acc.Denied.Count > 0 && !_options.IncludeDenied)
            {
                var total = _acc.Denied.Values.Sum(d => d.Count);
                _incomplete.Add($"{total} call(s) were denied and are not granted (-IncludeDenied adds them): {string.Join(", ", _acc.Denied.Keys.OrderBy(k => k, ActionOrder))}.");
            }

            if (_options.InferPassRole && _acc.RequestTextMissing.Count > 0)
            {
                _incomplete.Add(
                    $"{_acc.RequestTextMissing.Values.Sum()} call(s) that pass a role came without their requestParameters ({string.Join(", ", _acc.RequestTextMissing.Keys.OrderBy(k => k, ActionOrder))}): "
                    + "iam:PassRole could not be inferred for them. Read the events with their request parameters, or use -Path.");
            }

            _incomplete.AddRange(_acc.ReaderProblems);
        }

        private static LPUnmappedEvent UnmappedEvent(string name, long count)
        {
            var colon = name.LastIndexOf(':');
            return new LPUnmappedEvent { Name = name, EventSource = name.Substring(0, colon), EventName = name.Substring(colon + 1), Count = count };
        }

        private static string Pascal(string text)
        {
            var builder = new StringBuilder(text.Length);
            var upper = true;
            foreach (var c in text)
            {
                if (!char.IsLetterOrDigit(c) || c > 127)
                {
                    upper = true;
                    continue;
                }

                builder.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }

            return builder.ToString();
        }
    }

    /// <summary>One action with the Resource and Condition it will be granted on.</summary>
    private sealed class Grant
    {
        public Grant(string action)
        {
            Action = action;
            Service = action.Substring(0, Math.Max(0, action.IndexOf(':'))).ToLowerInvariant();
        }

        public string Action { get; }

        public string Service { get; }

        public ActionUse? Use { get; init; }

        /// <summary>Empty means "*".</summary>
        public SortedSet<string> Resources { get; } = new(StringComparer.Ordinal);

        public string? ResourceType { get; set; }

        public string? ConditionKey { get; set; }

        public string? ConditionOperator { get; set; }

        public IReadOnlyList<string>? ConditionValues { get; set; }

        public string GroupKey =>
            Service + "|" + string.Join(",", Resources) + "|" + ConditionOperator + "|" + ConditionKey + "|" + string.Join(",", ConditionValues ?? Array.Empty<string>());
    }

    /// <summary>Resource lists compared element by element, a shorter prefix first.</summary>
    private sealed class ResourceListOrder : IComparer<List<string>>
    {
        public static readonly ResourceListOrder Instance = new();

        public int Compare(List<string>? x, List<string>? y)
        {
            x ??= new List<string>();
            y ??= new List<string>();
            for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
            {
                var result = string.CompareOrdinal(x[i], y[i]);
                if (result != 0)
                {
                    return result;
                }
            }

            return x.Count.CompareTo(y.Count);
        }
    }

    /// <summary>Alphabetical as AWS sorts actions, ties broken ordinally so the order is total.</summary>
    private sealed class ActionComparer : StringComparer
    {
        public override int Compare(string? x, string? y)
        {
            var result = OrdinalIgnoreCase.Compare(x, y);
            return result != 0 ? result : Ordinal.Compare(x, y);
        }

        public override bool Equals(string? x, string? y) => Ordinal.Equals(x, y);

        public override int GetHashCode(string obj) => Ordinal.GetHashCode(obj);
    }
}
