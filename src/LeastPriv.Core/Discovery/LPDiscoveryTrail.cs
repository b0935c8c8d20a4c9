namespace LeastPriv;

/// <summary>
/// The dedicated trail of a discovery session (New-LPDiscoveryTrail): the trail, its bucket and
/// the service role IAM Access Analyzer reads the bucket with. Property names equal the
/// parameter names of the next cmdlets (<c>SessionId</c>, <c>TrailArn</c>).
/// </summary>
public sealed class LPDiscoveryTrail
{
    public string SessionId { get; init; } = string.Empty;

    public string TrailName { get; init; } = string.Empty;

    public string TrailArn { get; init; } = string.Empty;

    /// <summary>The region the trail was created in (its home region).</summary>
    public string HomeRegion { get; init; } = string.Empty;

    public bool IsMultiRegionTrail { get; init; }

    /// <summary>
    /// The regions policy generation reads: empty when <see cref="AllRegions"/> (a multi-region
    /// trail records every enabled region); otherwise the regions given to New-LPDiscoveryTrail.
    /// </summary>
    public IReadOnlyList<string> Regions { get; init; } = Array.Empty<string>();

    /// <summary>
    /// True when generation reads every region (no -Region given; <see cref="Regions"/> is then
    /// empty). False when it is bounded to <see cref="Regions"/>.
    /// </summary>
    public bool AllRegions { get; init; }

    public string BucketName { get; init; } = string.Empty;

    /// <summary>The key prefix inside the bucket, when one is used.</summary>
    public string? S3KeyPrefix { get; init; }

    /// <summary>The data event kinds recorded: "S3", "Lambda", "DynamoDB".</summary>
    public IReadOnlyList<string> DataEvents { get; init; } = Array.Empty<string>();

    /// <summary>The service role Access Analyzer assumes to read the trail's bucket.</summary>
    public string AccessRoleArn { get; init; } = string.Empty;

    /// <summary>The name of that service role.</summary>
    public string? AccessRoleName { get; init; }

    public string AccountId { get; init; } = string.Empty;

    public bool IsLogging { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public override string ToString() => $"{TrailName} (s3://{BucketName}, session {SessionId})";
}

/// <summary>One run of a workload under a discovery principal (Invoke-LPDiscoveryCapture).</summary>
public sealed class LPCaptureWindow
{
    public string SessionId { get; init; } = string.Empty;

    public string? Label { get; init; }

    public string PrincipalArn { get; init; } = string.Empty;

    /// <summary>UTC start, already widened by the clock-skew margin.</summary>
    public DateTimeOffset StartTime { get; init; }

    /// <summary>UTC end, already widened by the clock-skew margin.</summary>
    public DateTimeOffset EndTime { get; init; }

    /// <summary>The exit code of the last external program the workload ran, when it ran one.</summary>
    public int? ExitCode { get; init; }

    /// <summary>True when the workload finished without a terminating error and with exit code 0 (or none).</summary>
    public bool Succeeded { get; init; }

    /// <summary>The workload's terminating error, when it failed.</summary>
    public string? Error { get; init; }

    public TimeSpan Duration => EndTime - StartTime;

    public override string ToString() => $"{Label} {StartTime:u} - {EndTime:u}";
}

/// <summary>Whether CloudTrail has delivered the events of the capture windows (Wait-LPCloudTrailDelivery).</summary>
public sealed class LPDeliveryStatus
{
    public string SessionId { get; init; } = string.Empty;

    public string? TrailName { get; init; }

    /// <summary>The end of the latest capture window the wait covered.</summary>
    public DateTimeOffset? WindowEnd { get; init; }

    /// <summary>True when delivered log files cover every capture window.</summary>
    public bool Delivered { get; init; }

    /// <summary>The number of log files found for the windows.</summary>
    public int LogFileCount { get; init; }

    /// <summary>The latest delivery time CloudTrail reported (GetTrailStatus LatestDeliveryTime).</summary>
    public DateTimeOffset? LatestDeliveryTime { get; init; }

    public TimeSpan Waited { get; init; }

    /// <summary>The trail's home region, whose delivery the wait checks.</summary>
    public string? HomeRegion { get; init; }

    /// <summary>The first home-region log file stored after the window's end (the proof of delivery).</summary>
    public string? CoveringLogFile { get; init; }

    public override string ToString() => Delivered ? $"Delivered ({LogFileCount} files)" : "Not delivered";
}

/// <summary>An IAM Access Analyzer policy generation job (Start/Wait/Stop-LPPolicyGeneration).</summary>
public sealed class LPPolicyGenerationJob
{
    public string JobId { get; init; } = string.Empty;

    public string PrincipalArn { get; init; } = string.Empty;

    /// <summary>The session the job belongs to, when started from one.</summary>
    public string? SessionId { get; init; }

    public string? TrailArn { get; init; }

    public DateTimeOffset StartTime { get; init; }

    public DateTimeOffset? EndTime { get; init; }

    /// <summary>IN_PROGRESS, SUCCEEDED, FAILED or CANCELED.</summary>
    public string Status { get; init; } = string.Empty;

    public DateTimeOffset StartedOn { get; init; }

    public DateTimeOffset? CompletedOn { get; init; }

    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    public override string ToString() => $"{JobId} ({Status})";
}

/// <summary>The result of a verification run (Test-LPPolicy -ScriptBlock).</summary>
public sealed class LPPolicyVerification
{
    /// <summary>True when the workload succeeded and no call was denied.</summary>
    public bool Passed { get; init; }

    /// <summary>The IAM actions that were denied (from the workload's errors and from CloudTrail), sorted.</summary>
    public IReadOnlyList<string> DeniedActions { get; init; } = Array.Empty<string>();

    /// <summary>The denied calls by action, with the error code and a message sample.</summary>
    public IReadOnlyList<LPDeniedCall> DeniedCalls { get; init; } = Array.Empty<LPDeniedCall>();

    /// <summary>The temporary principal that held only the policy (deleted after the run).</summary>
    public string? PrincipalArn { get; init; }

    public LPCaptureWindow? Window { get; init; }

    /// <summary>True when the temporary principal and its key were deleted.</summary>
    public bool CleanedUp { get; init; }

    /// <summary>Access-denied errors that name no action (e.g. S3's "Access Denied"); any of them fails the run.</summary>
    public IReadOnlyList<string> UnattributedDenials { get; init; } = Array.Empty<string>();

    /// <summary>The temporary principal's own session (its manifest; Remove-LPDiscoveryResources cleans it after a crash).</summary>
    public string? SessionId { get; init; }

    /// <summary>False when a source of denied calls (CloudTrail LookupEvents) could not be read; the run then does not pass.</summary>
    public bool IsComplete { get; init; } = true;

    /// <summary>Why <see cref="IsComplete"/> is false.</summary>
    public string? IncompleteReason { get; init; }

    public override string ToString() => Passed ? "Passed" : "Failed: " + string.Join(", ", DeniedActions);
}
