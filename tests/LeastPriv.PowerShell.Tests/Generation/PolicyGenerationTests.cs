using System.Management.Automation;
using LeastPriv.PowerShell.Tests.Discovery;
using LeastPriv.PowerShell.Tests.Harness;
using Xunit;

namespace LeastPriv.PowerShell.Tests.Generation;

/// <summary>
/// Delivery, IAM Access Analyzer generation and the local generator over a trail's bucket, end to
/// end: a workload's AWS CLI calls through the stand-in, delivered as log files into the trail's
/// bucket, then the cmdlets in a real PowerShell engine.
/// </summary>
[Trait("Category", "Integration")]
[Collection(DiscoveryStandInCollection.Name)]
public sealed class PolicyGenerationTests : IClassFixture<GenerationStandInFixture>
{
    private readonly GenerationStandInFixture _fx;

    public PolicyGenerationTests(GenerationStandInFixture fixture)
    {
        _fx = fixture;
    }

    [Fact]
    public async Task WaitLPCloudTrailDelivery_AfterTheWorkload_ReturnsDeliveredWithProgress()
    {
        var scenario = await _fx.ScenarioAsync();
        using var ps = PowerShellSession.Open();

        var run = ps.Run("[pscustomobject]@{ SessionId = $sessionId } | Wait-LPCloudTrailDelivery -PollInterval 1 -Timeout 120 @aws", _fx.Variables(scenario));

        run.ThrowIfFailed();
        var status = run.Output.Single();
        Assert.Equal(true, status.Properties["Delivered"].Value);
        Assert.Equal(scenario.TrailName, status.Properties["TrailName"].Value);
        Assert.True((int)status.Properties["LogFileCount"].Value > 0);
        var covering = (string)status.Properties["CoveringLogFile"].Value;
        Assert.StartsWith($"lp/AWSLogs/{_fx.StandIn.Account}/CloudTrail/us-east-1/", covering, StringComparison.Ordinal);
        Assert.NotEmpty(run.Progress);
        Assert.Single(run.Progress.Select(p => p.ActivityId).Distinct());
        Assert.Equal(ProgressRecordType.Completed, run.Progress[^1].RecordType);

        // The workload's calls really are in the bucket.
        var logs = await _fx.StandIn.ReadLogFilesAsync(scenario.TrailBucket);
        Assert.Contains(logs.SelectMany(l => l.Records), r =>
            r.GetProperty("eventName").GetString() == "ListUsers" && r.GetProperty("userIdentity").GetProperty("arn").GetString() == scenario.UserArn);
    }

    [Fact]
    public async Task StartWaitGet_AccessAnalyzer_GivesTheActionsTheWorkloadUsed()
    {
        var scenario = await _fx.ScenarioAsync();
        await _fx.StandIn.FlushDeliveryAsync();
        using var ps = PowerShellSession.Open();

        var run = ps.Run(
            """
            $job = [pscustomobject]@{ PrincipalArn = $principal; SessionId = $sessionId } | Start-LPPolicyGeneration @aws
            $done = $job | Wait-LPPolicyGeneration -PollInterval 1 @aws
            $policy = $done | Get-LPGeneratedPolicy @aws
            $job; $done; $policy
            """,
            _fx.Variables(scenario));

        run.ThrowIfFailed();
        var (job, done, policy) = (run.Output[0], run.Output[1], run.Output[2]);
        Assert.Equal("IN_PROGRESS", job.Properties["Status"].Value);
        Assert.Equal(scenario.TrailArn, job.Properties["TrailArn"].Value);
        Assert.Equal("SUCCEEDED", done.Properties["Status"].Value);
        Assert.Contains(run.Progress, p => p.RecordType == ProgressRecordType.Completed);
        var actions = (string[])policy.Properties["Actions"].Value;
        Assert.Equal(["iam:ListUsers", "s3:CreateBucket", "s3:ListAllMyBuckets"], actions);
        Assert.Equal("AccessAnalyzer", policy.Properties["Source"].Value);
        Assert.Equal(["sns"], (string[])policy.Properties["ServiceLevelServices"].Value);
        Assert.Equal(false, policy.Properties["IsComplete"].Value);

        var manifestJob = _fx.ReadManifest(scenario.SessionId).GetProperty("jobs").EnumerateArray()
            .Single(j => j.GetProperty("jobId").GetString() == (string)job.Properties["JobId"].Value);
        Assert.Equal("SUCCEEDED", manifestJob.GetProperty("state").GetString());
        Assert.Equal(scenario.UserArn, manifestJob.GetProperty("principalArn").GetString());
    }

    [Fact]
    public async Task GetLPGeneratedPolicy_PlaceholdersGeneralized_HaveNoRegionOrAccountLeft()
    {
        var scenario = await _fx.ScenarioAsync();
        await _fx.StandIn.FlushDeliveryAsync();
        using var ps = PowerShellSession.Open();

        var run = ps.Run(
            """
            Start-LPPolicyGeneration -PrincipalArn $principal -SessionId $sessionId @aws |
                Wait-LPPolicyGeneration -PollInterval 1 @aws |
                Get-LPGeneratedPolicy -IncludeResourcePlaceholders -Generalize Region,Account @aws
            """,
            _fx.Variables(scenario));

        run.ThrowIfFailed();
        var json = (string)run.Output.Single().Properties["Json"].Value;
        Assert.Contains("arn:aws:s3:::${BucketName}", json, StringComparison.Ordinal);
        Assert.DoesNotContain("${Region}", json, StringComparison.Ordinal);
        Assert.DoesNotContain("${Account}", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetLPGeneratedPolicy_Local_IsActionLevelWithDataEventsAndRealArns()
    {
        var scenario = await _fx.ScenarioAsync();
        await _fx.StandIn.FlushDeliveryAsync();
        using var ps = PowerShellSession.Open();

        var run = ps.Run(
            """
            $s = [pscustomobject]@{ SessionId = $sessionId }
            $s | Get-LPGeneratedPolicy -Local @aws
            $s | Get-LPGeneratedPolicy -Local -Generalize Account @aws
            """,
            _fx.Variables(scenario));

        run.ThrowIfFailed();
        var policy = run.Output[0];
        var actions = (string[])policy.Properties["Actions"].Value;
        Assert.Equal(["iam:ListUsers", "s3:CreateBucket", "s3:GetObject", "s3:ListAllMyBuckets", "s3:PutObject", "sns:ListTopics"], actions);
        Assert.Equal("CloudTrail", policy.Properties["Source"].Value);
        Assert.Equal(true, policy.Properties["IsComplete"].Value);
        var json = (string)policy.Properties["Json"].Value;
        Assert.Contains($"arn:aws:s3:::{scenario.WorkBucket}/in/a.txt", json, StringComparison.Ordinal);
        Assert.Contains(_fx.StandIn.Account, (string)run.Output[0].Properties["PrincipalArn"].Value, StringComparison.Ordinal);
        var generalized = (string)run.Output[1].Properties["Json"].Value;
        Assert.Contains($"arn:aws:s3:::{scenario.WorkBucket}", generalized, StringComparison.Ordinal);
        Assert.DoesNotContain(_fx.StandIn.Account, generalized, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartLPPolicyGeneration_WhileAJobRuns_IsAlreadyRunning_AndWithWaitQueuesBehindIt()
    {
        var scenario = await _fx.ScenarioAsync();
        await _fx.StandIn.FlushDeliveryAsync();
        using var ps = PowerShellSession.Open();

        var first = ps.Run("$first = Start-LPPolicyGeneration -PrincipalArn $principal -SessionId $sessionId @aws; $first", _fx.Variables(scenario)).ThrowIfFailed();
        var second = ps.Run("Start-LPPolicyGeneration -PrincipalArn $principal -SessionId $sessionId @aws", _fx.Variables(scenario));
        var queued = ps.Run("$queued = Start-LPPolicyGeneration -PrincipalArn $principal -SessionId $sessionId -Wait @aws; $queued; $first | Wait-LPPolicyGeneration @aws", _fx.Variables(scenario));
        var last = ps.Run("$queued | Wait-LPPolicyGeneration -PollInterval 1 @aws", _fx.Variables(scenario));

        var busy = SingleError(second);
        Assert.Empty(second.Output);
        Assert.StartsWith("PolicyGenerationAlreadyRunning,", busy.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ResourceBusy, busy.CategoryInfo.Category);
        Assert.Equal(first.Output[0].Properties["JobId"].Value, busy.TargetObject);
        queued.ThrowIfFailed();
        Assert.NotEqual(first.Output[0].Properties["JobId"].Value, queued.Output[0].Properties["JobId"].Value);
        Assert.Equal("SUCCEEDED", queued.Output[1].Properties["Status"].Value);
        Assert.Contains(queued.Progress, p => p.Activity.Contains("running policy generation", StringComparison.Ordinal));
        last.ThrowIfFailed();
        Assert.Equal("SUCCEEDED", last.Output.Single().Properties["Status"].Value);
    }

    [Fact]
    public async Task WaitLPPolicyGeneration_FailedJob_IsAnErrorCarryingTheJobsErrorCode()
    {
        var scenario = await _fx.ScenarioAsync();
        using var ps = PowerShellSession.Open();

        var run = ps.Run(
            "$job = Start-LPPolicyGeneration -PrincipalArn $principal -SessionId $sessionId -AccessRoleArn $role @aws; $job | Wait-LPPolicyGeneration -PollInterval 1 @aws",
            _fx.Variables(scenario, ("role", scenario.UntrustedRoleArn)));
        var get = ps.Run("Get-LPGeneratedPolicy -JobId $job.JobId @aws", _fx.Variables(scenario));

        Assert.Empty(run.Output);
        var error = Assert.Single(run.Errors);
        Assert.StartsWith("PolicyGenerationFailed,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Contains("AUTHORIZATION_ERROR", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal("AUTHORIZATION_ERROR", PSObject.AsPSObject(error.TargetObject).Properties["ErrorCode"].Value);
        Assert.Empty(get.Output);
        Assert.StartsWith("PolicyGenerationFailed,", SingleError(get).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopLPPolicyGeneration_RunningJob_IsCanceled_AndWhatIfChangesNothing()
    {
        var scenario = await _fx.ScenarioAsync();
        using var ps = PowerShellSession.Open();
        using var cli = _fx.OperatorCli();
        var before = await JobCountAsync(cli);

        var whatIfStart = ps.Run("Start-LPPolicyGeneration -PrincipalArn $principal -SessionId $sessionId -WhatIf @aws", _fx.Variables(scenario)).ThrowIfFailed();
        var tooLong = ps.Run("Start-LPPolicyGeneration -PrincipalArn $principal -SessionId $sessionId -StartTime ([datetime]::UtcNow.AddDays(-100)) -EndTime ([datetime]::UtcNow) @aws", _fx.Variables(scenario));
        Assert.Empty(whatIfStart.Output);
        Assert.StartsWith("PolicyGenerationTimeRangeTooLong,", SingleError(tooLong).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidArgument, SingleError(tooLong).CategoryInfo.Category);
        Assert.Equal(before, await JobCountAsync(cli));

        var started = ps.Run("$job = Start-LPPolicyGeneration -PrincipalArn $principal -SessionId $sessionId @aws; $job", _fx.Variables(scenario)).ThrowIfFailed();
        var jobId = (string)started.Output.Single().Properties["JobId"].Value;
        var stop = ps.Run(
            """
            $job | Stop-LPPolicyGeneration -WhatIf @aws
            try { $job | Wait-LPPolicyGeneration -Timeout 1 -PollInterval 1 @aws } catch { 'after WhatIf: ' + $_.FullyQualifiedErrorId }
            $job | Stop-LPPolicyGeneration -Confirm:$false @aws
            """,
            _fx.Variables(scenario)).ThrowIfFailed();

        // -WhatIf wrote nothing and the job still ran afterwards (the short wait timed out on it).
        Assert.Equal(2, stop.Output.Count);
        Assert.StartsWith("after WhatIf: PolicyGenerationTimeout,", (string)stop.Output[0].BaseObject, StringComparison.Ordinal);
        Assert.Equal("CANCELED", stop.Output[1].Properties["Status"].Value);
        Assert.Equal("CANCELED", await AnalyzerJobs.StatusAsync(cli, jobId));
        var manifestJob = _fx.ReadManifest(scenario.SessionId).GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("jobId").GetString() == jobId);
        Assert.Equal("CANCELED", manifestJob.GetProperty("state").GetString());
    }

    private static ErrorRecord SingleError(PSRun run) => run.TerminatingError ?? Assert.Single(run.Errors);

    private static async Task<int> JobCountAsync(LeastPriv.Emulator.Testing.AwsCli cli) =>
        (await GenerationStandInFixture.Ok(cli, "accessanalyzer", "list-policy-generations")).GetProperty("policyGenerations").GetArrayLength();

    private static class AnalyzerJobs
    {
        public static async Task<string> StatusAsync(LeastPriv.Emulator.Testing.AwsCli cli, string jobId) =>
            (await GenerationStandInFixture.Ok(cli, "accessanalyzer", "get-generated-policy", "--job-id", jobId)).GetProperty("jobDetails").GetProperty("status").GetString()!;
    }
}
