using LeastPriv.Core.Aws;
using LeastPriv.Core.Discovery;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Core.Generation;

/// <summary>What to start a policy generation job for (already validated by <see cref="PolicyGenerationRange"/>).</summary>
public sealed class PolicyGenerationStart
{
    public string PrincipalArn { get; init; } = string.Empty;

    public string TrailArn { get; init; } = string.Empty;

    public string AccessRoleArn { get; init; } = string.Empty;

    /// <summary>The regions to analyse; empty means all regions of the trail.</summary>
    public IReadOnlyList<string> Regions { get; init; } = Array.Empty<string>();

    public DateTimeOffset StartTime { get; init; }

    public DateTimeOffset EndTime { get; init; }

    /// <summary>The session whose manifest records the job, when there is one.</summary>
    public string? SessionId { get; init; }
}

/// <summary>
/// IAM Access Analyzer policy generation jobs: start (one job at a time per account, so a second
/// start either fails with <c>PolicyGenerationAlreadyRunning</c> or queues behind the running
/// job), wait with back-off and progress, cancel, and fetch the generated policy. Jobs started
/// for a session are recorded in its manifest, and their outcome is written back.
/// </summary>
public sealed class PolicyGenerationJobs
{
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const string Canceled = "CANCELED";
    public const string InProgress = "IN_PROGRESS";

    private const int WaitActivityId = 0x4C52;
    private const int QueueActivityId = 0x4C53;

    private readonly IAccessAnalyzerApi _api;
    private readonly IEngineReporter _reporter;
    private readonly SessionStore _store;

    public PolicyGenerationJobs(IAccessAnalyzerApi api, IEngineReporter reporter, SessionStore store)
    {
        _api = api;
        _reporter = reporter;
        _store = store;
    }

    public PollSchedule Poll { get; init; } = PollSchedule.Default;

    /// <summary>How often a queued start tries again when the job that refused it has already ended.</summary>
    private const int MaxVanishedRetries = 10;

    /// <summary>
    /// Starts the job. When another job is running: <c>PolicyGenerationAlreadyRunning</c>, or with
    /// <paramref name="queue"/> waits (with progress) until it ends, then starts.
    /// </summary>
    public async Task<LPPolicyGenerationJob> StartAsync(PolicyGenerationStart start, bool queue, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var deadline = timeout is null ? (DateTimeOffset?)null : DateTimeOffset.UtcNow + timeout.Value;
        var vanished = 0;
        while (true)
        {
            string jobId;
            try
            {
                jobId = await _api.StartPolicyGenerationAsync(ToRequest(start), cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException ex) when (ex.NormalizedCode is "Conflict" or "ServiceQuotaExceeded")
            {
                var running = await FindRunningAsync(cancellationToken).ConfigureAwait(false);
                if (running is null && queue && ex.NormalizedCode == "Conflict" && vanished < MaxVanishedRetries
                    && (deadline is not { } d || DateTimeOffset.UtcNow + Poll.Initial <= d))
                {
                    // The job that held the account's slot ended between the refusal and the
                    // listing (sessions in parallel queue behind each other): try again.
                    vanished++;
                    _reporter.Verbose("Another policy generation held the account's slot and has just ended; starting again.");
                    await Task.Delay(Poll.Initial, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (running is null)
                {
                    // The daily quota (50 a day, canceled jobs included): waiting cannot help.
                    throw;
                }

                if (!queue)
                {
                    throw new LeastPrivException(
                        "PolicyGenerationAlreadyRunning",
                        LPErrorCategory.ResourceBusy,
                        $"IAM Access Analyzer runs one policy generation at a time, and job {running.JobId} (principal {running.PrincipalArn}) is still running.",
                        running.JobId,
                        ex)
                    {
                        RecommendedAction = $"Wait for it (Wait-LPPolicyGeneration -JobId {running.JobId}), cancel it (Stop-LPPolicyGeneration), or pass -Wait to start after it.",
                    };
                }

                _reporter.Verbose($"Job {running.JobId} is running; waiting for it to end before starting.");
                await WaitForRunningAsync(running.JobId, deadline, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var job = new LPPolicyGenerationJob
            {
                JobId = jobId,
                PrincipalArn = start.PrincipalArn,
                SessionId = start.SessionId,
                TrailArn = start.TrailArn,
                StartTime = start.StartTime,
                EndTime = start.EndTime,
                Status = InProgress,
                StartedOn = DateTimeOffset.UtcNow,
            };
            Record(start.SessionId, m => m.Jobs.Add(new ManifestJob
            {
                JobId = jobId,
                StartedAt = job.StartedOn,
                State = InProgress,
                PrincipalArn = start.PrincipalArn,
                TrailArn = start.TrailArn,
                StartTime = start.StartTime,
                EndTime = start.EndTime,
            }));
            _reporter.Verbose($"Started policy generation job {jobId} for {start.PrincipalArn} over {start.StartTime.UtcDateTime:u} - {start.EndTime.UtcDateTime:u}.");
            return job;
        }
    }

    /// <summary>The job's current state.</summary>
    public async Task<LPPolicyGenerationJob> GetAsync(string jobId, string? sessionId, CancellationToken cancellationToken)
    {
        var answer = await _api.GetGeneratedPolicyAsync(jobId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return ToJob(answer, sessionId);
    }

    /// <summary>
    /// Polls until the job ends. FAILED is <c>PolicyGenerationFailed</c> (the job, with its error
    /// code, is the error's target); running past <paramref name="timeout"/> is <c>PolicyGenerationTimeout</c>.
    /// </summary>
    public async Task<LPPolicyGenerationJob> WaitAsync(string jobId, string? sessionId, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var job = await PollUntilDoneAsync(jobId, sessionId, WaitActivityId, "Waiting for IAM Access Analyzer policy generation", timeout is null ? null : DateTimeOffset.UtcNow + timeout.Value, cancellationToken).ConfigureAwait(false);
        Record(sessionId, m => Update(m, job));
        if (job.Status == Failed)
        {
            throw JobFailed(job);
        }

        if (job.Status == Canceled)
        {
            _reporter.Warning($"Policy generation job {job.JobId} was canceled.");
        }

        return job;
    }

    /// <summary>Cancels the job (after <see cref="IEngineReporter.ShouldProcess"/>); null when the user declined.</summary>
    public async Task<LPPolicyGenerationJob?> StopAsync(string jobId, string? sessionId, CancellationToken cancellationToken)
    {
        var before = await GetAsync(jobId, sessionId, cancellationToken).ConfigureAwait(false);
        if (!_reporter.ShouldProcess($"policy generation job {jobId} ({before.PrincipalArn}, {before.Status})", "Cancel"))
        {
            return null;
        }

        if (before.Status != InProgress)
        {
            _reporter.Warning($"Policy generation job {jobId} has already ended ({before.Status}); nothing to cancel.");
            return before;
        }

        await _api.CancelPolicyGenerationAsync(jobId, cancellationToken).ConfigureAwait(false);
        var after = await GetAsync(jobId, sessionId, cancellationToken).ConfigureAwait(false);
        Record(sessionId, m => Update(m, after));
        return after;
    }

    /// <summary>The generated policy of a SUCCEEDED job, parts merged (see <see cref="AccessAnalyzerPolicy"/>).</summary>
    public async Task<LPGeneratedPolicy> GetPolicyAsync(string jobId, bool includeResourcePlaceholders, bool includeServiceLevelTemplate, PolicyGeneralization generalize, CancellationToken cancellationToken)
    {
        // Always ask for the template: it is how the services seen only at service level are known.
        var answer = await _api.GetGeneratedPolicyAsync(jobId, includeResourcePlaceholders, true, cancellationToken).ConfigureAwait(false);
        var job = ToJob(answer, null);
        switch (job.Status)
        {
            case Succeeded:
                break;
            case Failed:
                throw JobFailed(job);
            case InProgress:
                throw new LeastPrivException(
                    "PolicyGenerationInProgress",
                    LPErrorCategory.ResourceBusy,
                    $"Policy generation job {jobId} is still running; there is no policy yet.",
                    job)
                {
                    RecommendedAction = "Pipe the job through Wait-LPPolicyGeneration first.",
                };
            default:
                throw new LeastPrivException(
                    "PolicyGenerationCanceled",
                    LPErrorCategory.InvalidOperation,
                    $"Policy generation job {jobId} ended {job.Status}; it has no policy.",
                    job);
        }

        var policy = AccessAnalyzerPolicy.Build(answer, includeServiceLevelTemplate, generalize);
        LocalPolicyGeneration.Report(policy, _reporter);
        return policy;
    }

    private Task<LPPolicyGenerationJob> PollUntilDoneAsync(string jobId, string? sessionId, int activityId, string activity, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var wait = new PolledWait(_reporter, activityId, activity) { Schedule = Poll, Deadline = deadline };
        LPPolicyGenerationJob? running = null;
        return wait.RunAsync<LPPolicyGenerationJob>(
            async (poll, ct) =>
            {
                var job = await GetAsync(jobId, sessionId, ct).ConfigureAwait(false);
                poll.Report($"Job {jobId}: {job.Status} after {poll.Elapsed.TotalSeconds:0}s (poll {poll.Number})");
                running = job;
                return job.Status != InProgress ? job : null;
            },
            waited => new LeastPrivException(
                "PolicyGenerationTimeout",
                LPErrorCategory.OperationTimeout,
                $"Policy generation job {jobId} was still running after {waited.TotalSeconds:0} seconds.",
                running)
            {
                RecommendedAction = "Wait again with a longer -Timeout (generation takes minutes; reduce the time range to make it faster).",
            },
            cancellationToken);
    }

    private async Task WaitForRunningAsync(string jobId, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var other = await PollUntilDoneAsync(jobId, null, QueueActivityId, "Waiting for the running policy generation job to end", deadline, cancellationToken).ConfigureAwait(false);
        _reporter.Verbose($"Job {jobId} ended {other.Status}.");
    }

    private async Task<AccessAnalyzerJob?> FindRunningAsync(CancellationToken cancellationToken)
    {
        var jobs = await _api.ListPolicyGenerationsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return jobs.FirstOrDefault(j => j.Status == InProgress);
    }

    private static AccessAnalyzerStartPolicyGenerationRequest ToRequest(PolicyGenerationStart start)
    {
        var trail = new AccessAnalyzerTrail { CloudTrailArn = start.TrailArn };
        if (start.Regions.Count > 0)
        {
            trail.Regions = start.Regions.ToList();
        }
        else
        {
            trail.AllRegions = true;
        }

        return new AccessAnalyzerStartPolicyGenerationRequest
        {
            PrincipalArn = start.PrincipalArn,
            AccessRole = start.AccessRoleArn,
            StartTime = start.StartTime,
            EndTime = start.EndTime,
            Trails = { trail },
        };
    }

    private static LPPolicyGenerationJob ToJob(AccessAnalyzerGeneratedPolicy answer, string? sessionId) => new()
    {
        JobId = answer.Job.JobId,
        PrincipalArn = answer.PrincipalArn,
        SessionId = sessionId,
        TrailArn = answer.Trails.FirstOrDefault()?.CloudTrailArn,
        StartTime = answer.StartTime ?? default,
        EndTime = answer.EndTime,
        Status = answer.Job.Status,
        StartedOn = answer.Job.StartedOn,
        CompletedOn = answer.Job.CompletedOn,
        ErrorCode = answer.Job.ErrorCode,
        ErrorMessage = answer.Job.ErrorMessage,
    };

    private static LeastPrivException JobFailed(LPPolicyGenerationJob job)
    {
        var category = job.ErrorCode switch
        {
            "AUTHORIZATION_ERROR" => LPErrorCategory.PermissionDenied,
            "RESOURCE_NOT_FOUND_ERROR" => LPErrorCategory.ObjectNotFound,
            "SERVICE_QUOTA_EXCEEDED_ERROR" => LPErrorCategory.LimitsExceeded,
            _ => LPErrorCategory.InvalidResult,
        };
        return new LeastPrivException(
            "PolicyGenerationFailed",
            category,
            $"Policy generation job {job.JobId} failed: {job.ErrorCode}: {job.ErrorMessage}",
            job)
        {
            RecommendedAction = job.ErrorCode switch
            {
                "AUTHORIZATION_ERROR" => "Check that the access role trusts access-analyzer.amazonaws.com and may call cloudtrail:GetTrail and read the trail's bucket (s3:GetObject, s3:ListBucket).",
                "RESOURCE_NOT_FOUND_ERROR" => "Check that the trail and its bucket still exist.",
                "SERVICE_QUOTA_EXCEEDED_ERROR" => "Reduce the time range (at most 100,000 log files and 25 GB per job).",
                _ => "Start the job again; use Get-LPGeneratedPolicy -Local to generate from the logs without IAM Access Analyzer.",
            },
        };
    }

    private static void Update(SessionManifest manifest, LPPolicyGenerationJob job)
    {
        var entry = manifest.Jobs.FirstOrDefault(j => j.JobId == job.JobId);
        if (entry is null)
        {
            return;
        }

        entry.State = job.Status;
        entry.CompletedAt = job.CompletedOn;
        entry.ErrorCode = job.ErrorCode;
    }

    private void Record(string? sessionId, Action<SessionManifest> change)
    {
        if (string.IsNullOrEmpty(sessionId))
        {
            return;
        }

        var manifest = _store.Load(sessionId!);
        change(manifest);
        _store.Save(manifest);
    }
}
