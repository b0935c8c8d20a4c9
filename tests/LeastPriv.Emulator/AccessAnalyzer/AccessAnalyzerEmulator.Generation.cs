using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace LeastPriv.Emulator.AccessAnalyzer;

public sealed partial class AccessAnalyzerEmulator
{
    private const int DefaultListPageSize = 100;

    /// <summary>Jobs of the account, for tests and the stand-in's own reports.</summary>
    public IReadOnlyList<PolicyGenerationJob> JobsOf(string accountId) =>
        _jobs.Values.Where(j => j.AccountId == accountId).OrderBy(j => j.StartedOn).ToArray();

    // PUT /policy/generation
    private string StartPolicyGeneration(JsonElement body, string caller)
    {
        var account = AccountOf(caller);
        var request = ParseStartRequest(body, _options.Clock.GetUtcNow(), _options.MaxTimeRange);
        PolicyGenerationJob job;
        lock (_startGate)
        {
            var now = _options.Clock.GetUtcNow();
            var ofAccount = _jobs.Values.Where(j => j.AccountId == account).ToArray();

            // clientToken makes the call idempotent: a retry returns the job the first call started.
            if (request.ClientToken is not null
                && ofAccount.FirstOrDefault(j => j.ClientToken == request.ClientToken) is { } existing)
            {
                return Json(w => { w.WriteStartObject(); w.WriteString("jobId", existing.JobId); w.WriteEndObject(); });
            }

            // "1 concurrent policy generation" and "50 policy generations per day", canceled jobs included:
            // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-quotas.html
            if (ofAccount.FirstOrDefault(j => j.Snapshot().Status == JobStatus.InProgress) is { } running)
            {
                const string message = "A policy generation job is already in progress for this account. Wait for it to complete or cancel it.";
                throw _options.WhenJobRunning == RunningJobResponse.Conflict
                    ? AnalyzerError.Conflict(message, running.JobId, "PolicyGeneration")
                    : AnalyzerError.ServiceQuotaExceeded(message, running.JobId, "PolicyGeneration");
            }

            if (ofAccount.Count(j => j.StartedOn > now - TimeSpan.FromDays(1)) >= _options.DailyJobQuota)
            {
                throw AnalyzerError.ServiceQuotaExceeded(
                    $"The quota of {_options.DailyJobQuota} policy generations per day for this account has been reached.",
                    account,
                    "PolicyGeneration");
            }

            job = new PolicyGenerationJob(
                Guid.NewGuid().ToString(), account, request.PrincipalArn, request.Trails, request.AccessRole,
                request.StartTime, request.EndTime ?? now, now, request.ClientToken);
            _jobs[job.JobId] = job;
        }

        _ = Task.Run(() => _runner.RunAsync(job));
        return Json(w => { w.WriteStartObject(); w.WriteString("jobId", job.JobId); w.WriteEndObject(); });
    }

    // GET /policy/generation/{jobId}
    private string GetGeneratedPolicy(string jobId, IQueryCollection query, string caller)
    {
        var job = FindJob(jobId, caller);
        var placeholders = QueryBool(query, "includeResourcePlaceholders");
        var serviceLevel = QueryBool(query, "includeServiceLevelTemplate");
        var (status, completedOn, errorCode, errorMessage, findings) = job.Snapshot();
        var policies = findings is null
            ? []
            : GeneratedPolicyBuilder.Build(findings, placeholders, serviceLevel, _options.MaxPolicyCharacters, PartitionOf(job.PrincipalArn));
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("jobDetails");
            w.WriteString("jobId", job.JobId);
            w.WriteString("status", status);
            w.WriteString("startedOn", Iso(job.StartedOn));
            if (completedOn is { } completed)
            {
                w.WriteString("completedOn", Iso(completed));
            }

            if (errorCode is not null)
            {
                w.WriteStartObject("jobError");
                w.WriteString("code", errorCode);
                w.WriteString("message", errorMessage);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteStartObject("generatedPolicyResult");
            w.WriteStartArray("generatedPolicies");
            foreach (var policy in policies)
            {
                w.WriteStartObject();
                w.WriteString("policy", policy);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("properties");
            if (findings is not null)
            {
                w.WriteBoolean("isComplete", findings.IsComplete);
            }

            w.WriteString("principalArn", job.PrincipalArn);
            w.WriteStartObject("cloudTrailProperties");
            w.WriteStartArray("trailProperties");
            foreach (var trail in job.Trails)
            {
                w.WriteStartObject();
                w.WriteString("cloudTrailArn", trail.CloudTrailArn);
                w.WriteStartArray("regions");
                foreach (var region in trail.Regions)
                {
                    w.WriteStringValue(region);
                }

                w.WriteEndArray();
                w.WriteBoolean("allRegions", trail.AllRegions);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("startTime", Iso(job.StartTime));
            w.WriteString("endTime", Iso(job.EndTime));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    // GET /policy/generation
    private string ListPolicyGenerations(IQueryCollection query, string caller)
    {
        var account = AccountOf(caller);
        var principal = query.TryGetValue("principalArn", out var p) ? p.ToString() : null;
        if (!string.IsNullOrEmpty(principal) && !PrincipalArnPattern().IsMatch(principal))
        {
            throw AnalyzerError.Validation("Invalid principalArn.", "fieldValidationFailed", ("principalArn", "must match arn:[^:]*:iam::[^:]*:(role|user)/.{1,576}"));
        }

        var pageSize = DefaultListPageSize;
        if (query.TryGetValue("maxResults", out var max))
        {
            if (!int.TryParse(max.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1)
            {
                throw AnalyzerError.Validation("maxResults must be an integer of at least 1.", "fieldValidationFailed", ("maxResults", "must be at least 1"));
            }
        }

        var offset = DecodeToken(query);
        var since = _options.Clock.GetUtcNow() - _options.ListRetention;
        var jobs = _jobs.Values
            .Where(j => j.AccountId == account && j.StartedOn >= since
                && (string.IsNullOrEmpty(principal) || j.PrincipalArn == principal))
            .OrderByDescending(j => j.StartedOn).ThenBy(j => j.JobId, StringComparer.Ordinal)
            .ToArray();
        var page = jobs.Skip(offset).Take(pageSize).ToArray();
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("policyGenerations");
            foreach (var job in page)
            {
                var state = job.Snapshot();
                w.WriteStartObject();
                w.WriteString("jobId", job.JobId);
                w.WriteString("principalArn", job.PrincipalArn);
                w.WriteString("status", state.Status);
                w.WriteString("startedOn", Iso(job.StartedOn));
                if (state.CompletedOn is { } completed)
                {
                    w.WriteString("completedOn", Iso(completed));
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (offset + page.Length < jobs.Length)
            {
                w.WriteString("nextToken", EncodeToken(offset + page.Length));
            }

            w.WriteEndObject();
        });
    }

    // PUT /policy/generation/{jobId} with an empty body
    private string CancelPolicyGeneration(string jobId, string caller)
    {
        var job = FindJob(jobId, caller);

        // Canceling a job that already ended changes nothing; the call still succeeds.
        job.TryCancel(_options.Clock.GetUtcNow());
        return "{}";
    }

    private PolicyGenerationJob FindJob(string jobId, string caller)
    {
        // The model lists no ResourceNotFoundException for these operations; an unknown id is
        // answered with it anyway, as the service does for other unknown resources.
        if (!_jobs.TryGetValue(jobId, out var job) || job.AccountId != AccountOf(caller))
        {
            throw AnalyzerError.ResourceNotFound($"The policy generation job {jobId} does not exist.", jobId, "PolicyGeneration");
        }

        return job;
    }

    private static bool QueryBool(IQueryCollection query, string name)
    {
        if (!query.TryGetValue(name, out var value) || string.IsNullOrEmpty(value.ToString()))
        {
            return false;
        }

        return bool.TryParse(value.ToString(), out var flag)
            ? flag
            : throw AnalyzerError.Validation($"{name} must be true or false.", "fieldValidationFailed", (name, "must be a boolean"));
    }

    private static string PartitionOf(string arn)
    {
        var parts = arn.Split(':');
        return parts.Length > 1 && parts[1].Length > 0 ? parts[1] : "aws";
    }

    private static string EncodeToken(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static int DecodeToken(IQueryCollection query)
    {
        if (!query.TryGetValue("nextToken", out var token) || string.IsNullOrEmpty(token.ToString()))
        {
            return 0;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token.ToString()));
            if (text.StartsWith("offset:", StringComparison.Ordinal)
                && int.TryParse(text["offset:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }
        catch (FormatException)
        {
            // Falls through to the validation error.
        }

        throw AnalyzerError.Validation("Invalid nextToken.", "fieldValidationFailed", ("nextToken", "is not a token this service issued"));
    }

    [GeneratedRegex("^arn:[^:]*:iam::[^:]*:(role|user)/.{1,576}$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex PrincipalArnPattern();

    [GeneratedRegex("^arn:[^:]*:iam::[^:]*:role/.{1,576}$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex RoleArnPattern();

    [GeneratedRegex("^arn:[^:]*:cloudtrail:[^:]*:[^:]*:trail/.{1,576}$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex TrailArnPattern();
}
