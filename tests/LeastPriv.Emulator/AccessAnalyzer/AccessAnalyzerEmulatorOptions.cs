namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>What StartPolicyGeneration answers while another job of the account is still running.</summary>
public enum RunningJobResponse
{
    /// <summary>ConflictException (409).</summary>
    Conflict,

    /// <summary>ServiceQuotaExceededException (402).</summary>
    ServiceQuotaExceeded,
}

/// <summary>Knobs of the emulated IAM Access Analyzer. Defaults follow the documented AWS behaviour.</summary>
public sealed class AccessAnalyzerEmulatorOptions
{
    /// <summary>How long a policy generation job stays IN_PROGRESS before it reads the logs and completes.</summary>
    public TimeSpan JobDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Policy generations one account may start per day (canceled jobs count). 50 in most Regions,
    /// 5 in a few opt-in Regions: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-quotas.html
    /// </summary>
    public int DailyJobQuota { get; set; } = 50;

    /// <summary>
    /// The quota page says one policy generation may run at a time, but the service model does not
    /// say which error a second start gets. Conflict is the default: the request conflicts with the
    /// state of a resource (the running job), and ConflictException carries its id.
    /// </summary>
    public RunningJobResponse WhenJobRunning { get; set; } = RunningJobResponse.Conflict;

    /// <summary>CloudTrail log files one generation may process (AWS: 100,000).</summary>
    public int MaxLogFiles { get; set; } = 100_000;

    /// <summary>CloudTrail data one generation may process, compressed bytes (AWS: 25 GB).</summary>
    public long MaxLogBytes { get; set; } = 25L * 1024 * 1024 * 1024;

    /// <summary>Longest time range of a generation (AWS: 90 days).</summary>
    public TimeSpan MaxTimeRange { get; set; } = TimeSpan.FromDays(90);

    /// <summary>ListPolicyGenerations covers jobs "requested in the last seven days" (service model).</summary>
    public TimeSpan ListRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Whether calls that ended in an error (errorCode set) count as activity. AWS does not
    /// document it; the default counts only successful calls.
    /// </summary>
    public bool CountFailedCalls { get; set; }

    /// <summary>
    /// Whether calls needing no permission (sts:GetCallerIdentity) appear in the policy. Public
    /// outputs of real generations list sts:GetCallerIdentity, so the default keeps them.
    /// </summary>
    public bool IncludePermissionlessCalls { get; set; } = true;

    /// <summary>Size limit of one generated policy document; larger policies are split (AWS: 6,144 characters).</summary>
    public int MaxPolicyCharacters { get; set; } = 6144;

    /// <summary>Clock for job times, quotas and retention.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Defaults with the stand-in layer's own knobs applied (job duration, clock).</summary>
    public static AccessAnalyzerEmulatorOptions For(StandInServices services) => new()
    {
        JobDuration = services.Options.AccessAnalyzerJobDuration,
        Clock = services.Time,
    };
}
