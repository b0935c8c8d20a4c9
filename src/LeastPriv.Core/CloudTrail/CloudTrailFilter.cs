namespace LeastPriv.Core.CloudTrail;

/// <summary>
/// Which records a read keeps. Every criterion that is set must match; list criteria match when
/// any of their values does. Checked on the parsed fields before any optional JSON text is
/// materialised, so a selective filter also makes the read cheaper.
/// </summary>
public sealed class CloudTrailFilter
{
    private Compiled? _compiled;

    /// <summary>A filter that keeps every record, errors included.</summary>
    public static CloudTrailFilter All => new() { IncludeErrors = true };

    /// <summary>IAM user names (<c>userIdentity.userName</c> of IAMUser records), case-insensitive like IAM names.</summary>
    public IReadOnlyList<string>? UserName { get; init; }

    /// <summary>
    /// An IAM user ARN (matches the caller's <c>userIdentity.arn</c>), an IAM role ARN (matches
    /// AssumedRole sessions through <c>sessionContext.sessionIssuer.arn</c>), root, an
    /// assumed-role session ARN or a federated user ARN. The IAM path is not compared.
    /// </summary>
    public string? PrincipalArn { get; init; }

    /// <summary>Inclusive lower bound on <c>eventTime</c>.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>Exclusive upper bound on <c>eventTime</c>.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary><c>awsRegion</c> values, case-insensitive.</summary>
    public IReadOnlyList<string>? Region { get; init; }

    /// <summary>Event sources: <c>s3</c> and <c>s3.amazonaws.com</c> are the same.</summary>
    public IReadOnlyList<string>? EventSource { get; init; }

    /// <summary>Keep records with an <c>errorCode</c> (failed and denied calls). Off by default.</summary>
    public bool IncludeErrors { get; init; }

    /// <summary>Throws the documented <see cref="LeastPrivException"/> when the filter cannot be used.</summary>
    public void Validate() => _ = GetCompiled();

    /// <summary>True when <paramref name="record"/> passes every criterion.</summary>
    public bool Matches(CloudTrailRecord record) => GetCompiled().Matches(record);

    internal Compiled GetCompiled() => _compiled ??= new Compiled(this);

    /// <summary>Turns <c>s3</c> into <c>s3.amazonaws.com</c>; leaves full host names alone.</summary>
    public static string NormalizeEventSource(string value)
    {
        var trimmed = value.Trim();
        return trimmed.IndexOf('.') < 0 ? trimmed + ".amazonaws.com" : trimmed;
    }

    internal sealed class Compiled
    {
        // IAM user names: 1 to 64 of letters, digits and + = , . @ _ -
        // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html).
        private static readonly System.Text.RegularExpressions.Regex IamUserName = new(@"^[A-Za-z0-9_+=,.@-]{1,64}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        private readonly HashSet<string>? _userNames;
        private readonly HashSet<string>? _regions;
        private readonly HashSet<string>? _sources;
        private readonly DateTimeOffset _start;
        private readonly DateTimeOffset _end;
        private readonly bool _includeErrors;
        private readonly PrincipalArn? _principal;
        private readonly string? _principalPrefix;
        private readonly string? _issuerPrefix;

        public Compiled(CloudTrailFilter filter)
        {
            _start = filter.StartTime ?? DateTimeOffset.MinValue;
            _end = filter.EndTime ?? DateTimeOffset.MaxValue;
            if (filter.StartTime is { } s && filter.EndTime is { } e && s > e)
            {
                throw CloudTrailErrors.TimeRange(s, e);
            }

            _includeErrors = filter.IncludeErrors;
            _userNames = ToSet(filter.UserName, v => v.Trim());
            _regions = ToSet(filter.Region, v => v.Trim());

            // A name or region that can never appear in a record would silently match nothing.
            foreach (var name in _userNames ?? Enumerable.Empty<string>())
            {
                if (!IamUserName.IsMatch(name))
                {
                    throw CloudTrailErrors.UserName(name);
                }
            }

            foreach (var region in _regions ?? Enumerable.Empty<string>())
            {
                // The filter ignores case, so the check does too.
                if (!Aws.AwsRegions.IsValid(region.ToLowerInvariant()))
                {
                    Aws.AwsRegions.Validate(region);
                }
            }

            _sources = ToSet(filter.EventSource, NormalizeEventSource);
            if (filter.PrincipalArn is not null)
            {
                _principal = CloudTrail.PrincipalArn.Parse(filter.PrincipalArn.Trim());
                var p = _principal;
                switch (p.Kind)
                {
                    case PrincipalArnKind.User:
                        _principalPrefix = $"arn:{p.Partition}:iam::{p.AccountId}:user/";
                        break;
                    case PrincipalArnKind.Role:
                        _issuerPrefix = $"arn:{p.Partition}:iam::{p.AccountId}:role/";
                        _principalPrefix = $"arn:{p.Partition}:sts::{p.AccountId}:assumed-role/";
                        break;
                    case PrincipalArnKind.AssumedRole:
                        _principalPrefix = $"arn:{p.Partition}:sts::{p.AccountId}:assumed-role/";
                        break;
                    case PrincipalArnKind.FederatedUser:
                        _principalPrefix = $"arn:{p.Partition}:sts::{p.AccountId}:federated-user/";
                        break;
                    default:
                        _principalPrefix = $"arn:{p.Partition}:iam::{p.AccountId}:root";
                        break;
                }
            }

            RequiredText = BuildRequiredText();
        }

        public bool Matches(CloudTrailRecord r)
        {
            if (!_includeErrors && !string.IsNullOrEmpty(r.ErrorCode))
            {
                return false;
            }

            if (r.EventTime < _start || r.EventTime >= _end)
            {
                return false;
            }

            if (_sources is not null && !_sources.Contains(r.EventSource))
            {
                return false;
            }

            if (_regions is not null && (r.AwsRegion is null || !_regions.Contains(r.AwsRegion)))
            {
                return false;
            }

            return MatchesIdentity(r.Identity);
        }

        /// <summary>
        /// Text every record the identity criteria accept must contain (each group: one of its
        /// values, ASCII case-insensitive), as it appears once JSON escapes are decoded; null when
        /// the criteria give no such text. Lets a reader drop a record without tokenizing it.
        /// </summary>
        public IReadOnlyList<IReadOnlyList<string>>? RequiredText { get; private set; }

        /// <summary>True when the filter says anything about the caller.</summary>
        public bool HasIdentityCriteria => _userNames is not null || _principal is not null;

        /// <summary>The caller criteria alone: lets the parser drop other principals' records before reading the rest of them.</summary>
        public bool MatchesIdentity(UserIdentity identity) =>
            (_userNames is null || MatchesUserName(identity)) && (_principal is null || MatchesPrincipal(identity));

        private bool MatchesUserName(UserIdentity id)
        {
            if (!string.Equals(id.Type, "IAMUser", StringComparison.Ordinal))
            {
                return false;
            }

            if (id.UserName is not null)
            {
                return _userNames!.Contains(id.UserName);
            }

            // Some services omit userName; the user ARN ends with it.
            var arn = id.Arn;
            return arn is not null && _userNames!.Contains(arn.Substring(arn.LastIndexOf('/') + 1));
        }

        private bool MatchesPrincipal(UserIdentity id)
        {
            var p = _principal!;
            switch (p.Kind)
            {
                case PrincipalArnKind.User:
                    return string.Equals(id.Type, "IAMUser", StringComparison.Ordinal) && LastSegmentIs(id.Arn, _principalPrefix!, p.Name);
                case PrincipalArnKind.Role:
                    if (!string.Equals(id.Type, "AssumedRole", StringComparison.Ordinal))
                    {
                        return false;
                    }

                    // sessionIssuer.arn carries the role's path; the assumed-role ARN does not.
                    return id.SessionIssuer?.Arn is { } issuer
                        ? LastSegmentIs(issuer, _issuerPrefix!, p.Name)
                        : AssumedRoleNameIs(id.Arn, _principalPrefix!, p.Name, null);
                case PrincipalArnKind.AssumedRole:
                    return AssumedRoleNameIs(id.Arn, _principalPrefix!, p.Name, p.SessionName);
                case PrincipalArnKind.FederatedUser:
                    return LastSegmentIs(id.Arn, _principalPrefix!, p.Name);
                default:
                    return string.Equals(id.Type, "Root", StringComparison.Ordinal) && string.Equals(id.Arn, _principalPrefix, StringComparison.Ordinal);
            }
        }

        /// <summary>arn starts with prefix and its last '/' segment equals name (IAM names are case-insensitive).</summary>
        private static bool LastSegmentIs(string? arn, string prefix, string name)
        {
            if (arn is null || !arn.StartsWith(prefix, StringComparison.Ordinal))
            {
                return false;
            }

            var start = arn.LastIndexOf('/') + 1;
            return start >= prefix.Length
                && arn.Length - start == name.Length
                && string.Compare(arn, start, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0;
        }

        private static bool AssumedRoleNameIs(string? arn, string prefix, string roleName, string? sessionName)
        {
            if (arn is null || !arn.StartsWith(prefix, StringComparison.Ordinal))
            {
                return false;
            }

            var end = arn.IndexOf('/', prefix.Length);
            if (end < 0 || end - prefix.Length != roleName.Length
                || string.Compare(arn, prefix.Length, roleName, 0, roleName.Length, StringComparison.OrdinalIgnoreCase) != 0)
            {
                return false;
            }

            return sessionName is null
                || (arn.Length - end - 1 == sessionName.Length && string.CompareOrdinal(arn, end + 1, sessionName, 0, sessionName.Length) == 0);
        }

        private List<IReadOnlyList<string>>? BuildRequiredText()
        {
            var groups = new List<IReadOnlyList<string>>();

            // A user name matches userName or the last segment of the caller's ARN: either way the name is in the record.
            if (_userNames is not null)
            {
                groups.Add(_userNames.ToArray());
            }

            if (_principal is not null)
            {
                // User, role (session issuer or assumed-role ARN), assumed-role and federated user
                // all compare the name inside an ARN of the record; root compares the whole ARN.
                groups.Add(new[] { _principal.Kind == PrincipalArnKind.Root ? _principalPrefix! : _principal.Name });
            }

            return groups.Count > 0 ? groups : null;
        }

        private static HashSet<string>? ToSet(IReadOnlyList<string>? values, Func<string, string> normalize)
        {
            if (values is null || values.Count == 0)
            {
                return null;
            }

            var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var v in values)
            {
                if (!string.IsNullOrWhiteSpace(v))
                {
                    set.Add(normalize(v));
                }
            }

            return set.Count == 0 ? null : set;
        }
    }
}
