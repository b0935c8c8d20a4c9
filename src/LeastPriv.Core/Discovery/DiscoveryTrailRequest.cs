namespace LeastPriv.Core.Discovery;

/// <summary>What New-LPDiscoveryTrail asks for.</summary>
public sealed class DiscoveryTrailRequest
{
    /// <summary>The data event kinds a trail can record.</summary>
    public static readonly IReadOnlyList<string> DataEventKinds = new[] { "S3", "Lambda", "DynamoDB" };

    public string SessionId { get; set; } = string.Empty;

    /// <summary>The trail's name; <c>leastpriv-&lt;sessionId&gt;</c> when null.</summary>
    public string? TrailName { get; set; }

    /// <summary>The bucket's name; derived from the account and the session id when null.</summary>
    public string? BucketName { get; set; }

    /// <summary>
    /// The regions whose activity later generation reads. None: a multi-region trail over every
    /// region. One: a single-region trail in that region. Several: a multi-region trail (CloudTrail
    /// has no trail scoped to a list of regions) whose recorded regions bound later generation.
    /// </summary>
    public IList<string> Regions { get; set; } = new List<string>();

    /// <summary>Explicitly every region (the same as giving no region).</summary>
    public bool AllRegions { get; set; }

    /// <summary>"S3", "Lambda", "DynamoDB" (case-insensitive).</summary>
    public IList<string> DataEvents { get; set; } = new List<string>();
}

/// <summary>A trail request resolved against the account and the home region: every name and scope decided.</summary>
public sealed class DiscoveryTrailPlan
{
    public string SessionId { get; init; } = string.Empty;

    public string AccountId { get; init; } = string.Empty;

    public string Partition { get; init; } = "aws";

    public string TrailName { get; init; } = string.Empty;

    public string BucketName { get; init; } = string.Empty;

    public string HomeRegion { get; init; } = string.Empty;

    public bool IsMultiRegionTrail { get; init; }

    /// <summary>The regions generation reads; empty means every region.</summary>
    public IReadOnlyList<string> Regions { get; init; } = Array.Empty<string>();

    public IReadOnlyList<string> DataEvents { get; init; } = Array.Empty<string>();

    public string AccessRoleName { get; init; } = string.Empty;

    public string AccessRolePath { get; init; } = DiscoveryTrailPlanner.AccessRolePath;

    public string AccessRolePolicyName { get; init; } = DiscoveryTrailPlanner.AccessRolePolicyName;

    public string? S3KeyPrefix { get; init; }

    public bool AllRegions => Regions.Count == 0;

    public string TrailArn => $"arn:{Partition}:cloudtrail:{HomeRegion}:{AccountId}:trail/{TrailName}";

    public string BucketArn => $"arn:{Partition}:s3:::{BucketName}";

    public string AccessRoleArn => $"arn:{Partition}:iam::{AccountId}:role{AccessRolePath}{AccessRoleName}";
}
