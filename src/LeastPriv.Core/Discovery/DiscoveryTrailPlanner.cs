using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LeastPriv.Core.Aws;

namespace LeastPriv.Core.Discovery;

/// <summary>
/// Checks a trail request before any AWS call and resolves its defaults (names, scope). Pure:
/// no AWS, no file system.
/// </summary>
public static class DiscoveryTrailPlanner
{
    /// <summary>The console creates Access Analyzer roles under this path; so does LeastPriv.</summary>
    public const string AccessRolePath = "/service-role/";

    public const string AccessRolePolicyName = "LeastPrivTrailAccess";

    /// <summary>IAM, STS (global endpoint) and CloudFront events are recorded only in this region.</summary>
    public const string GlobalEventsRegion = "us-east-1";

    // https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html (Name)
    private static readonly Regex TrailNamePattern = new(@"^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$", RegexOptions.CultureInvariant);
    private static readonly Regex TrailNameAdjacent = new(@"[._-]{2}", RegexOptions.CultureInvariant);

    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    private static readonly Regex BucketNamePattern = new(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant);
    private static readonly Regex IpAddress = new(@"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$", RegexOptions.CultureInvariant);

    /// <summary>Checks the request's own values; throws the typed error of the first bad one. No AWS call.</summary>
    public static void Validate(DiscoveryTrailRequest request)
    {
        SessionStore.ValidateSessionId(request.SessionId);
        if (request.TrailName is not null)
        {
            TrailName(request.TrailName);
        }

        if (request.BucketName is not null)
        {
            BucketName(request.BucketName);
        }

        if (request.AllRegions && request.Regions.Count > 0)
        {
            throw Invalid("DiscoveryTrailRegionConflict", request.Regions, "-AllRegions and -Region exclude each other: give the regions to read, or every region.");
        }

        foreach (var region in request.Regions)
        {
            AwsRegions.Validate(region);
        }

        var partitions = request.Regions.Select(r => AwsRegions.PartitionOf(r).Name).Distinct().ToList();
        if (partitions.Count > 1)
        {
            throw Invalid("DiscoveryTrailRegionConflict", request.Regions, $"The regions {string.Join(", ", request.Regions)} belong to different partitions ({string.Join(", ", partitions)}); a trail records one partition.");
        }

        NormalizeDataEvents(request.DataEvents);
    }

    /// <summary>CloudTrail's trail name rules: 3–128 letters, digits, '.', '_' and '-', starting and ending with a letter or digit, no two of '.', '_', '-' in a row, not an IP address.</summary>
    public static void TrailName(string? name)
    {
        if (name is null || !TrailNamePattern.IsMatch(name) || TrailNameAdjacent.IsMatch(name) || IpAddress.IsMatch(name))
        {
            throw Invalid("DiscoveryTrailNameInvalid", name, $"-TrailName '{name}' is not a valid CloudTrail trail name: 3 to 128 letters, digits, '.', '_' and '-', starting and ending with a letter or digit, without two of '.', '_', '-' in a row.");
        }
    }

    /// <summary>S3's general purpose bucket name rules.</summary>
    public static void BucketName(string? name)
    {
        if (name is null
            || !BucketNamePattern.IsMatch(name)
            || name.Contains("..", StringComparison.Ordinal)
            || IpAddress.IsMatch(name)
            || name.StartsWith("xn--", StringComparison.Ordinal)
            || name.StartsWith("sthree-", StringComparison.Ordinal)
            || name.EndsWith("-s3alias", StringComparison.Ordinal)
            || name.EndsWith("--ol-s3", StringComparison.Ordinal))
        {
            throw Invalid("DiscoveryTrailBucketNameInvalid", name, $"-BucketName '{name}' is not a valid S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit, no '..', not an IP address, no 'xn--'/'sthree-' prefix or '-s3alias'/'--ol-s3' suffix.");
        }
    }

    /// <summary>The data event kinds in their canonical spelling, without duplicates, in the order S3, Lambda, DynamoDB.</summary>
    public static IReadOnlyList<string> NormalizeDataEvents(IEnumerable<string> kinds)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kind in kinds)
        {
            var canonical = DiscoveryTrailRequest.DataEventKinds.FirstOrDefault(k => string.Equals(k, kind?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (canonical is null)
            {
                throw Invalid("DiscoveryTrailDataEventInvalid", kind, $"'{kind}' is not a data event kind LeastPriv records; use {string.Join(", ", DiscoveryTrailRequest.DataEventKinds)}.");
            }

            wanted.Add(canonical);
        }

        return DiscoveryTrailRequest.DataEventKinds.Where(wanted.Contains).ToList();
    }

    /// <summary>The default trail name: <c>leastpriv-&lt;sessionId&gt;</c>, made valid and at most 128 characters.</summary>
    public static string DefaultTrailName(string sessionId)
    {
        var name = Sanitize("leastpriv-" + sessionId, 128, lowerCase: false, allowUnderscore: true);
        return name;
    }

    /// <summary>The default bucket name: <c>leastpriv-&lt;account&gt;-&lt;sessionId&gt;</c>, lowercase, valid, at most 63 characters.</summary>
    public static string DefaultBucketName(string accountId, string sessionId)
        => Sanitize($"leastpriv-{accountId}-{sessionId}", 63, lowerCase: true, allowUnderscore: false);

    /// <summary>The Access Analyzer service role's name: <c>leastpriv-aa-&lt;sessionId&gt;</c>, at most 64 characters.</summary>
    public static string DefaultAccessRoleName(string sessionId)
        => Sanitize("leastpriv-aa-" + sessionId, 64, lowerCase: false, allowUnderscore: true);

    /// <summary>
    /// Resolves the request. <paramref name="defaultRegion"/> is the home region when no region is
    /// listed (the caller's region, else the session's).
    /// </summary>
    public static DiscoveryTrailPlan Plan(DiscoveryTrailRequest request, string accountId, string? defaultRegion)
    {
        Validate(request);
        var regions = request.Regions.Distinct(StringComparer.Ordinal).ToList();
        var home = regions.Count > 0 ? regions[0] : defaultRegion;
        if (string.IsNullOrEmpty(home))
        {
            throw new LeastPrivException(
                "AwsRegionNotFound",
                LPErrorCategory.InvalidOperation,
                "No home region for the trail: give -Region, or set AWS_REGION or a profile region.",
                request.SessionId)
            {
                RecommendedAction = "Pass -Region us-east-1 (for example), or set the AWS_REGION environment variable.",
            };
        }

        return new DiscoveryTrailPlan
        {
            SessionId = request.SessionId,
            AccountId = accountId,
            Partition = AwsRegions.PartitionOf(home).Name,
            TrailName = request.TrailName ?? DefaultTrailName(request.SessionId),
            BucketName = request.BucketName ?? DefaultBucketName(accountId, request.SessionId),
            HomeRegion = home!,

            // A trail is either single-region or records every region; a list of regions needs the latter.
            IsMultiRegionTrail = regions.Count != 1,
            Regions = regions,
            DataEvents = NormalizeDataEvents(request.DataEvents),
            AccessRoleName = DefaultAccessRoleName(request.SessionId),
        };
    }

    /// <summary>The warnings a plan deserves (IAM and STS events are recorded only in us-east-1; several regions record every region).</summary>
    public static IReadOnlyList<string> Warnings(DiscoveryTrailPlan plan)
    {
        var warnings = new List<string>();
        if (plan.Regions.Count > 0 && !plan.Regions.Contains(GlobalEventsRegion, StringComparer.Ordinal))
        {
            warnings.Add($"The regions {string.Join(", ", plan.Regions)} leave out {GlobalEventsRegion}: IAM and STS (global endpoint) events are recorded only there, so a policy generated from this trail grants no iam:* or sts:* action. Add -Region {GlobalEventsRegion} if the workload calls IAM.");
        }

        if (plan.Regions.Count > 1)
        {
            warnings.Add($"CloudTrail has no trail scoped to a list of regions: '{plan.TrailName}' is a multi-region trail that records every region; policy generation for this session reads only {string.Join(", ", plan.Regions)}.");
        }

        return warnings;
    }

    private static string Sanitize(string value, int maxLength, bool lowerCase, bool allowUnderscore)
    {
        var text = lowerCase ? value.ToLower(CultureInfo.InvariantCulture) : value;
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var ok = c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'
                || (!lowerCase && c is >= 'A' and <= 'Z')
                || (allowUnderscore && c == '_');
            var next = ok ? c : '-';

            // No two separators in a row (CloudTrail), no "--" surprises in bucket names.
            if (next is '-' or '_' && builder.Length > 0 && builder[^1] is '-' or '_')
            {
                continue;
            }

            builder.Append(next);
        }

        var result = builder.ToString();
        if (result.Length > maxLength)
        {
            result = result[..maxLength];
        }

        return result.TrimEnd('-', '_');
    }

    private static LeastPrivException Invalid(string errorId, object? target, string message)
        => new(errorId, LPErrorCategory.InvalidArgument, message, target);
}
