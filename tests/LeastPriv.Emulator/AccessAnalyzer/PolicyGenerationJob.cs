namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>Status values of a policy generation job (service model JobStatus).</summary>
public static class JobStatus
{
    public const string InProgress = "IN_PROGRESS";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const string Canceled = "CANCELED";
}

/// <summary>Error codes of a failed job (service model JobErrorCode).</summary>
public static class JobErrorCode
{
    public const string Authorization = "AUTHORIZATION_ERROR";
    public const string ResourceNotFound = "RESOURCE_NOT_FOUND_ERROR";
    public const string ServiceQuotaExceeded = "SERVICE_QUOTA_EXCEEDED_ERROR";
    public const string Service = "SERVICE_ERROR";
}

/// <summary>One trail of a request: cloudTrailArn with regions or allRegions.</summary>
public sealed record TrailSelection(string CloudTrailArn, IReadOnlyList<string> Regions, bool AllRegions);

/// <summary>A job failure that ends the job with jobError.</summary>
public sealed class JobFailure(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>A policy generation job and its outcome.</summary>
public sealed class PolicyGenerationJob
{
    private readonly object _gate = new();

    public PolicyGenerationJob(
        string jobId,
        string accountId,
        string principalArn,
        IReadOnlyList<TrailSelection> trails,
        string accessRole,
        DateTimeOffset startTime,
        DateTimeOffset endTime,
        DateTimeOffset startedOn,
        string? clientToken)
    {
        JobId = jobId;
        AccountId = accountId;
        PrincipalArn = principalArn;
        Trails = trails;
        AccessRole = accessRole;
        StartTime = startTime;
        EndTime = endTime;
        StartedOn = startedOn;
        ClientToken = clientToken;
    }

    public string JobId { get; }

    public string AccountId { get; }

    public string PrincipalArn { get; }

    public IReadOnlyList<TrailSelection> Trails { get; }

    public string AccessRole { get; }

    public DateTimeOffset StartTime { get; }

    public DateTimeOffset EndTime { get; }

    public DateTimeOffset StartedOn { get; }

    public string? ClientToken { get; }

    public CancellationTokenSource Cancellation { get; } = new();

    public string Status { get; private set; } = JobStatus.InProgress;

    public DateTimeOffset? CompletedOn { get; private set; }

    public string? ErrorCode { get; private set; }

    public string? ErrorMessage { get; private set; }

    public GenerationFindings? Findings { get; private set; }

    /// <summary>A consistent copy of the mutable state.</summary>
    public (string Status, DateTimeOffset? CompletedOn, string? ErrorCode, string? ErrorMessage, GenerationFindings? Findings) Snapshot()
    {
        lock (_gate)
        {
            return (Status, CompletedOn, ErrorCode, ErrorMessage, Findings);
        }
    }

    public bool TrySucceed(GenerationFindings findings, DateTimeOffset now) =>
        TryFinish(JobStatus.Succeeded, now, null, null, findings);

    public bool TryFail(string code, string message, DateTimeOffset now) =>
        TryFinish(JobStatus.Failed, now, code, message, null);

    public bool TryCancel(DateTimeOffset now)
    {
        var canceled = TryFinish(JobStatus.Canceled, now, null, null, null);
        if (canceled)
        {
            Cancellation.Cancel();
        }

        return canceled;
    }

    private bool TryFinish(string status, DateTimeOffset now, string? code, string? message, GenerationFindings? findings)
    {
        lock (_gate)
        {
            if (Status != JobStatus.InProgress)
            {
                return false;
            }

            Status = status;
            CompletedOn = now;
            ErrorCode = code;
            ErrorMessage = message;
            Findings = findings;
            return true;
        }
    }
}
