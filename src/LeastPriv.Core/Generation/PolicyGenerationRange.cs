using System.Text.RegularExpressions;
using LeastPriv.Core.Aws;
using LeastPriv.Core.Discovery;

namespace LeastPriv.Core.Generation;

/// <summary>
/// The checks made before StartPolicyGeneration is called: the time range (explicit, or from the
/// session's capture windows), Access Analyzer's 90-day limit, the principal, trail and role
/// ARNs and the regions. Every problem is a typed InvalidArgument error before any AWS call.
/// </summary>
public static class PolicyGenerationRange
{
    /// <summary>"The maximum time range is 90 days" (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-quotas.html).</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(90);

    // Patterns from the accessanalyzer model (PrincipalArn, CloudTrailArn, RoleArn).
    private static readonly Regex PrincipalPattern = new(@"^arn:[^:]*:iam::[^:]*:(role|user)/.{1,576}$", RegexOptions.CultureInvariant);
    private static readonly Regex TrailPattern = new(@"^arn:[^:]*:cloudtrail:[^:]*:[^:]*:trail/.{1,576}$", RegexOptions.CultureInvariant);
    // A job id is a UUID in practice; anything outside letters, digits and hyphens cannot be one.
    private static readonly Regex JobIdPattern = new(@"^[A-Za-z0-9][A-Za-z0-9-]{0,127}$", RegexOptions.CultureInvariant);
    private static readonly Regex RolePattern = new(@"^arn:[^:]*:iam::[^:]*:role/.{1,576}$", RegexOptions.CultureInvariant);

    /// <summary>
    /// The range to analyse: <paramref name="start"/>/<paramref name="end"/> when given, otherwise
    /// from the earliest window's Start to the latest window's End (an open window ends now).
    /// </summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Resolve(
        DateTimeOffset? start,
        DateTimeOffset? end,
        IReadOnlyCollection<ManifestWindow>? windows,
        DateTimeOffset now)
    {
        DateTimeOffset s;
        DateTimeOffset e;
        if (start is not null)
        {
            s = start.Value;
            e = end ?? now;
        }
        else if (windows is { Count: > 0 })
        {
            s = windows.Min(w => w.Start);
            e = end ?? windows.Max(w => w.End ?? now);
        }
        else
        {
            throw new LeastPrivException(
                "PolicyGenerationTimeRangeMissing",
                LPErrorCategory.InvalidArgument,
                "No time range: pass -StartTime (and -EndTime), or run the workload with Invoke-LPDiscoveryCapture first so the session records its capture windows.",
                end)
            {
                RecommendedAction = "Pass -StartTime and -EndTime, or -SessionId of a session with capture windows.",
            };
        }

        Validate(s, e);
        return (s, e);
    }

    /// <summary>Start before end, and no more than 90 days apart.</summary>
    public static void Validate(DateTimeOffset start, DateTimeOffset end)
    {
        if (end <= start)
        {
            throw new LeastPrivException(
                "PolicyGenerationTimeRangeInvalid",
                LPErrorCategory.InvalidArgument,
                $"The start time {start.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} is not before the end time {end.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}.",
                start);
        }

        if (end - start > MaxRange)
        {
            throw new LeastPrivException(
                "PolicyGenerationTimeRangeTooLong",
                LPErrorCategory.InvalidArgument,
                $"The time range {start.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} to {end.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} is {(end - start).TotalDays:0.#} days; IAM Access Analyzer analyses at most 90 days.",
                start)
            {
                RecommendedAction = "Generate over a shorter range (several runs can be combined with Merge-LPPolicy).",
            };
        }
    }

    /// <summary>An IAM user or role ARN (the only principals policy generation takes).</summary>
    public static string PrincipalArn(string? arn)
    {
        if (arn is null || !PrincipalPattern.IsMatch(arn))
        {
            throw new LeastPrivException(
                "PrincipalArnInvalid",
                LPErrorCategory.InvalidArgument,
                $"'{arn}' is not the ARN of an IAM user or role (arn:aws:iam::<account>:user/<name> or arn:aws:iam::<account>:role/<name>), the only principals IAM Access Analyzer generates policies for.",
                arn);
        }

        return arn;
    }

    public static string TrailArn(string? arn)
    {
        if (arn is null || !TrailPattern.IsMatch(arn))
        {
            throw new LeastPrivException(
                "TrailArnInvalid",
                LPErrorCategory.InvalidArgument,
                $"'{arn}' is not a CloudTrail trail ARN (arn:aws:cloudtrail:<region>:<account>:trail/<name>).",
                arn);
        }

        return arn;
    }

    /// <summary>A policy generation job id: letters, digits and hyphens (<c>PolicyGenerationJobIdInvalid</c> otherwise).</summary>
    public static string JobId(string? jobId)
    {
        if (jobId is null || !JobIdPattern.IsMatch(jobId))
        {
            throw new LeastPrivException(
                "PolicyGenerationJobIdInvalid",
                LPErrorCategory.InvalidArgument,
                $"'{jobId}' is not a policy generation job id (the JobId Start-LPPolicyGeneration returned: letters, digits and hyphens).",
                jobId);
        }

        return jobId;
    }

    public static string AccessRoleArn(string? arn)
    {
        if (arn is null || !RolePattern.IsMatch(arn))
        {
            throw new LeastPrivException(
                "AccessRoleArnInvalid",
                LPErrorCategory.InvalidArgument,
                $"'{arn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>) for Access Analyzer to read the trail with.",
                arn);
        }

        return arn;
    }

    /// <summary>Each region valid (<c>AwsRegionInvalid</c> otherwise), duplicates removed, order kept.</summary>
    public static IReadOnlyList<string> Regions(IEnumerable<string>? regions)
    {
        var result = new List<string>();
        foreach (var r in regions ?? Array.Empty<string>())
        {
            var region = AwsRegions.Validate(r?.Trim() ?? string.Empty);
            if (!result.Contains(region, StringComparer.Ordinal))
            {
                result.Add(region);
            }
        }

        return result;
    }

    /// <summary>The account and region fields of a trail ARN.</summary>
    public static (string Region, string Account, string Name) ParseTrailArn(string arn)
    {
        TrailArn(arn);
        var parts = arn.Split(new[] { ':' }, 6);
        return (parts[3], parts[4], parts[5].Substring("trail/".Length));
    }
}

/// <summary>Puts a StartPolicyGeneration request together from parameters and the session's manifest, checking everything first.</summary>
public static class PolicyGenerationPlanner
{
    /// <summary>
    /// Explicit values win over the manifest: the trail ARN (else the manifest's trail), the
    /// access role (else the manifest trail's role), the regions (else the manifest trail's
    /// regions; all regions when it has none) and the time range (else the capture windows).
    /// </summary>
    public static PolicyGenerationStart Plan(
        string principalArn,
        string? trailArn,
        string? accessRoleArn,
        IEnumerable<string>? regions,
        DateTimeOffset? start,
        DateTimeOffset? end,
        SessionManifest? manifest,
        DateTimeOffset now)
    {
        PolicyGenerationRange.PrincipalArn(principalArn);
        var trail = trailArn ?? manifest?.Trail?.TrailArn;
        if (string.IsNullOrEmpty(trail))
        {
            throw new LeastPrivException(
                "PolicyGenerationTrailMissing",
                LPErrorCategory.InvalidArgument,
                "No trail: pass -Trail (an LPDiscoveryTrail or a trail ARN), or -SessionId of a session with a trail.",
                principalArn);
        }

        PolicyGenerationRange.TrailArn(trail);
        var trailAccount = PolicyGenerationRange.ParseTrailArn(trail!).Account;
        if (!string.IsNullOrEmpty(manifest?.AccountId) && !string.Equals(trailAccount, manifest!.AccountId, StringComparison.Ordinal))
        {
            throw new LeastPrivException(
                "TrailAccountMismatch",
                LPErrorCategory.InvalidArgument,
                $"The trail {trail} is in account {trailAccount}, but session {manifest.SessionId} is in account {manifest.AccountId}; its service role cannot read another account's trail.",
                trail)
            {
                RecommendedAction = "Pass a trail of the session's account (New-LPDiscoveryTrail creates one), or leave out -SessionId.",
            };
        }

        var role = accessRoleArn ?? manifest?.Trail?.AccessRoleArn;
        if (string.IsNullOrEmpty(role))
        {
            throw new LeastPrivException(
                "AccessRoleArnMissing",
                LPErrorCategory.InvalidArgument,
                "No access role: pass -AccessRoleArn (the service role IAM Access Analyzer reads the trail with), or -SessionId of a session whose trail has one.",
                trail);
        }

        PolicyGenerationRange.AccessRoleArn(role);
        var regionList = PolicyGenerationRange.Regions(regions ?? (IEnumerable<string>?)manifest?.Trail?.Regions);
        var (s, e) = PolicyGenerationRange.Resolve(start, end, manifest?.Windows, now);
        return new PolicyGenerationStart
        {
            PrincipalArn = principalArn,
            TrailArn = trail!,
            AccessRoleArn = role!,
            Regions = regionList,
            StartTime = s,
            EndTime = e,
            SessionId = manifest?.SessionId,
        };
    }
}
