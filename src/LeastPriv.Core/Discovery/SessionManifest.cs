using System.Text.Json.Serialization;

namespace LeastPriv.Core.Discovery;

/// <summary>Where a session stands as a whole.</summary>
[JsonConverter(typeof(JsonStringEnumConverter))]
public enum DiscoverySessionState
{
    /// <summary>The session owns (or may own) resources in AWS.</summary>
    Active,

    /// <summary>Cleanup found every resource gone; the file stays for audit.</summary>
    Removed,
}

/// <summary>Where one resource of a session stands. Written before the AWS call (Planned) and after it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter))]
public enum DiscoveryResourceState
{
    /// <summary>About to be created: the call may or may not have reached AWS (crash, Ctrl+C).</summary>
    Planned,

    Created,

    /// <summary>The create call failed; the resource may still exist partially, so cleanup still visits it.</summary>
    Failed,

    Deleted,

    /// <summary>Cleanup found it already gone.</summary>
    AlreadyGone,

    /// <summary>Cleanup tried and failed; a later cleanup tries again.</summary>
    DeleteFailed,
}

/// <summary>
/// The kinds of resources a session can own. The cleanup order is in <see cref="CleanupOrder"/>;
/// trail, bucket and service-role entries are written by the trail cmdlets.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter))]
public enum DiscoveryResourceType
{
    User,
    AccessKey,
    UserPolicyAttachment,
    UserInlinePolicy,
    UserPermissionsBoundary,
    Role,
    RolePolicyAttachment,
    RoleInlinePolicy,
    ManagedPolicy,
    Trail,
    TrailBucket,
    ServiceRole,
}

/// <summary>One resource a session created (or adopted), as recorded in the manifest.</summary>
public sealed class ManifestResource
{
    public DiscoveryResourceType Type { get; set; }

    /// <summary>The resource's name in AWS; for an access key its id; for an attachment the policy ARN. Null while a key is only planned.</summary>
    public string? Name { get; set; }

    public string? Arn { get; set; }

    /// <summary>The user or role this resource belongs to (access keys, attachments, inline policies, boundaries).</summary>
    public string? Parent { get; set; }

    public DiscoveryResourceState State { get; set; }

    /// <summary>True when the resource existed before the session and was adopted (-Force).</summary>
    public bool Adopted { get; set; }

    /// <summary>How the entry got into the manifest: "Created", or "TagSweep"/"Dependent" when cleanup found it.</summary>
    public string Origin { get; set; } = "Created";

    public DateTimeOffset PlannedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The last error's text (AWS error code and message; never a secret).</summary>
    public string? Error { get; set; }

    /// <summary>Whether cleanup still has something to do for this entry.</summary>
    [JsonIgnore]
    public bool IsGone => State is DiscoveryResourceState.Deleted or DiscoveryResourceState.AlreadyGone;

    public override string ToString() => Parent is null ? $"{Type} {Name}" : $"{Type} {Name} ({Parent})";
}

/// <summary>
/// A capture window (written by Invoke-LPDiscoveryCapture): saved with a null End before the
/// workload starts, and completed after it ends, so a crash leaves an open window on record.
/// Start and End already include the clock-skew margin.
/// </summary>
public sealed class ManifestWindow
{
    public string? Label { get; set; }

    public DateTimeOffset Start { get; set; }

    public DateTimeOffset? End { get; set; }

    /// <summary>The principal the workload ran as.</summary>
    public string? PrincipalArn { get; set; }

    public int? ExitCode { get; set; }

    public bool? Succeeded { get; set; }

    /// <summary>The workload's terminating error message (never a secret).</summary>
    public string? Error { get; set; }
}

/// <summary>A policy generation job (written by the generation cmdlets).</summary>
public sealed class ManifestJob
{
    public string JobId { get; set; } = string.Empty;

    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The job's last known status: IN_PROGRESS, SUCCEEDED, FAILED, CANCELED.</summary>
    public string? State { get; set; }

    public string? PrincipalArn { get; set; }

    public string? TrailArn { get; set; }

    public DateTimeOffset? StartTime { get; set; }

    public DateTimeOffset? EndTime { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public string? ErrorCode { get; set; }
}

/// <summary>
/// The session's trail as New-LPDiscoveryTrail created it. The trail, bucket and service role are
/// also resource entries (for cleanup); this record holds what the later cmdlets need to use them.
/// </summary>
public sealed class ManifestTrail
{
    public string TrailName { get; set; } = string.Empty;

    public string? TrailArn { get; set; }

    public string HomeRegion { get; set; } = string.Empty;

    public bool IsMultiRegionTrail { get; set; }

    /// <summary>
    /// The regions policy generation reads: empty means every region (a multi-region trail with no
    /// -Region); otherwise the listed ones (one: a single-region trail; several: a multi-region
    /// trail, which records every region, bounded to these).
    /// </summary>
    public List<string> Regions { get; set; } = new();

    public string BucketName { get; set; } = string.Empty;

    public string? S3KeyPrefix { get; set; }

    public List<string> DataEvents { get; set; } = new();

    public string? AccessRoleName { get; set; }

    public string? AccessRoleArn { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One discovery session as stored on disk: identifiers, the principal, every resource with its
/// state, capture windows and generation jobs. It never holds a secret (no secret access key,
/// no session token, no credentials of the caller).
/// </summary>
public sealed class SessionManifest
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; set; } = CurrentSchemaVersion;

    public string SessionId { get; set; } = string.Empty;

    public DiscoverySessionState State { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? RemovedAt { get; set; }

    public string? AccountId { get; set; }

    public string? Region { get; set; }

    /// <summary>"User" or "Role".</summary>
    public string? PrincipalType { get; set; }

    public string? PrincipalName { get; set; }

    public string? PrincipalArn { get; set; }

    /// <summary>The ARN of the identity that created the session (GetCallerIdentity).</summary>
    public string? CreatedBy { get; set; }

    public List<ManifestResource> Resources { get; set; } = new();

    public List<ManifestWindow> Windows { get; set; } = new();

    public List<ManifestJob> Jobs { get; set; } = new();

    /// <summary>The session's trail, once New-LPDiscoveryTrail has planned it.</summary>
    public ManifestTrail? Trail { get; set; }

    /// <summary>Resources the session created that are not gone yet.</summary>
    public IEnumerable<ManifestResource> Remaining() => Resources.Where(r => !r.IsGone);
}
