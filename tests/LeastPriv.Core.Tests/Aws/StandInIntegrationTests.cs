using System.Diagnostics;
using Amazon.S3.Model;
using LeastPriv.Core.Aws;
using LeastPriv.Core.Tests.Aws.Infrastructure;
using LeastPriv.Emulator;
using LeastPriv.Emulator.AccessAnalyzer;
using LeastPriv.Emulator.Testing;
using Xunit;

namespace LeastPriv.Core.Tests.Aws;

/// <summary>A stand-in whose new access keys are unknown for a while, like IAM's.</summary>
public sealed class SlowKeyStandInFixture : StandInFixture
{
    public static readonly TimeSpan Propagation = TimeSpan.FromSeconds(2);

    protected override StandInOptions CreateOptions()
    {
        var options = base.CreateOptions();
        options.KeyPropagationDelay = Propagation;

        return options;
    }
}

/// <summary>
/// The whole discovery path through the project's stand-in (moto + CloudTrail recording,
/// delivery, LookupEvents and Access Analyzer) with this layer's clients over real HTTP.
/// </summary>
[Trait("Category", "Integration")]
[Collection(AwsEnvironmentCollection.Name)]
public sealed class StandInIntegrationTests : IClassFixture<SlowKeyStandInFixture>
{
    private const string AccessRoleTrust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"access-analyzer.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";

    private readonly StandIn _standIn;

    public StandInIntegrationTests(SlowKeyStandInFixture fixture)
    {
        _standIn = fixture.StandIn;
    }

    /// <summary>
    /// The operator's context. Endpoints come from the environment, as a user would set them:
    /// <c>AWS_ENDPOINT_URL</c> for the stand-in and, when given, <c>AWS_ENDPOINT_URL_ACCESSANALYZER</c>.
    /// </summary>
    private AwsContext OperatorContext(EnvironmentScope env, AccessAnalyzerHost? analyzer = null)
    {
        env.Set("AWS_ENDPOINT_URL", _standIn.Endpoint.ToString());
        if (analyzer is not null)
        {
            env.Set("AWS_ENDPOINT_URL_ACCESSANALYZER", analyzer.Endpoint.ToString());
        }

        return AwsContext.Resolve(new AwsContextOptions
        {
            AccessKey = _standIn.Operator.AccessKeyId,
            SecretKey = _standIn.Operator.SecretAccessKey,
            Region = "us-east-1",
            RetryPolicy = AwsTestContext.FastRetries,
        });
    }

    [Fact]
    public async Task NewAccessKey_RejectedWhilePropagating_AcceptedWithinGraceWindow()
    {
        using var env = new EnvironmentScope();
        var ctx = OperatorContext(env);
        var iam = ctx.CreateIamClient();
        var name = "lp-newkey-" + Guid.NewGuid().ToString("N").Substring(0, 6);
        await iam.CreateUserAsync(new IamCreateUserRequest { UserName = name });
        var key = await iam.CreateAccessKeyAsync(name);

        var noGrace = ctx.WithCredentials(key.AccessKeyId, key.SecretAccessKey, null, TimeSpan.Zero, "new key");
        var rejected = await Assert.ThrowsAsync<AwsServiceException>(() => noGrace.CreateIamClient().GetUserAsync(null));
        Assert.Equal(LPErrorCategory.AuthenticationError, rejected.Category);

        var clock = Stopwatch.StartNew();
        var withGrace = ctx.WithCredentials(key.AccessKeyId, key.SecretAccessKey, null, TimeSpan.FromSeconds(30), "new key");
        var me = await withGrace.CreateIamClient().GetUserAsync(null);

        Assert.Equal(name, me.UserName);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the key was accepted only after {clock.Elapsed}");
    }

    [Fact]
    public async Task DiscoveryPath_RecordedActivity_LookupEventsAndPolicyGenerationSeeIt()
    {
        using var env = new EnvironmentScope();
        await using var analyzer = await AccessAnalyzerHost.StartAsync(_standIn, new AccessAnalyzerEmulatorOptions { JobDuration = TimeSpan.Zero });
        var ctx = OperatorContext(env, analyzer);
        var iam = ctx.CreateIamClient();
        var ct = ctx.CreateCloudTrailClient();
        var aa = ctx.CreateAccessAnalyzerClient();
        var suffix = Guid.NewGuid().ToString("N").Substring(0, 8);
        var userName = "app-discovery-" + suffix;
        var bucket = "lp-trail-" + suffix;
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);

        using (var s3 = ctx.CreateS3Client())
        {
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        }

        var trail = await ct.CreateTrailAsync(new CloudTrailCreateTrailRequest { Name = "lp-trail-" + suffix, S3BucketName = bucket, IsMultiRegionTrail = true });
        await ct.StartLoggingAsync(trail.Name);
        var role = await iam.CreateRoleAsync(new IamCreateRoleRequest { RoleName = "AccessAnalyzerMonitorServiceRole-" + suffix, Path = "/service-role/", AssumeRolePolicyDocument = AccessRoleTrust });
        var user = await iam.CreateUserAsync(new IamCreateUserRequest { UserName = userName });
        var key = await iam.CreateAccessKeyAsync(userName);

        // The workload: the discovery user's own calls, signed with its new key.
        var workload = ctx.WithCredentials(key.AccessKeyId, key.SecretAccessKey, null, TimeSpan.FromSeconds(30), "discovery key").CreateIamClient();
        await workload.GetUserAsync(null);
        await workload.ListAccessKeysAsync(userName);
        await _standIn.FlushDeliveryAsync();

        var events = new List<CloudTrailLookupEvent>();
        await foreach (var e in ct.LookupEventsAsync(new CloudTrailLookupRequest { AttributeKey = "Username", AttributeValue = userName, StartTime = start }))
        {
            events.Add(e);
        }

        Assert.Contains(events, e => e.EventName == "GetUser" && e.EventSource == "iam.amazonaws.com");
        Assert.Contains(events, e => e.EventName == "ListAccessKeys");
        Assert.All(events, e => Assert.Contains(userName, e.CloudTrailEvent));

        var jobId = await aa.StartPolicyGenerationAsync(new AccessAnalyzerStartPolicyGenerationRequest
        {
            PrincipalArn = user.Arn,
            AccessRole = role.Arn,
            Trails = { new AccessAnalyzerTrail { CloudTrailArn = trail.TrailARN!, AllRegions = true } },
            StartTime = start,
            EndTime = DateTimeOffset.UtcNow.AddMinutes(1),
        });
        var generated = await WaitForJobAsync(aa, jobId);

        Assert.True(generated.Job.Status == "SUCCEEDED", $"{generated.Job.Status}: {generated.Job.ErrorCode} {generated.Job.ErrorMessage}");
        Assert.Equal(user.Arn, generated.PrincipalArn);
        var policy = Assert.Single(generated.Policies);
        Assert.Contains("iam:GetUser", policy);
        Assert.Contains("iam:ListAccessKeys", policy);
        Assert.Contains(await aa.ListPolicyGenerationsAsync(user.Arn), j => j.JobId == jobId && j.Status == "SUCCEEDED");

        var placeholders = await aa.GetGeneratedPolicyAsync(jobId, includeResourcePlaceholders: true);
        Assert.Contains("${", Assert.Single(placeholders.Policies));

        var findings = await aa.ValidatePolicyAsync(new AccessAnalyzerValidatePolicyRequest
        {
            PolicyDocument = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}]}",
            PolicyType = "IDENTITY_POLICY",
        });
        Assert.Contains(findings, f => f.FindingType == "SECURITY_WARNING" && f.IssueCode.Length > 0);
    }

    [Fact]
    public async Task CancelPolicyGeneration_RunningJob_EndsCanceled()
    {
        using var env = new EnvironmentScope();
        await using var analyzer = await AccessAnalyzerHost.StartAsync(_standIn, new AccessAnalyzerEmulatorOptions { JobDuration = TimeSpan.FromMinutes(5) });
        var ctx = OperatorContext(env, analyzer);
        var iam = ctx.CreateIamClient();
        var aa = ctx.CreateAccessAnalyzerClient();
        var suffix = Guid.NewGuid().ToString("N").Substring(0, 8);
        var user = await iam.CreateUserAsync(new IamCreateUserRequest { UserName = "lp-cancel-" + suffix });
        var role = await iam.CreateRoleAsync(new IamCreateRoleRequest { RoleName = "lp-aa-" + suffix, AssumeRolePolicyDocument = AccessRoleTrust });

        var jobId = await aa.StartPolicyGenerationAsync(new AccessAnalyzerStartPolicyGenerationRequest
        {
            PrincipalArn = user.Arn,
            AccessRole = role.Arn,
            Trails = { new AccessAnalyzerTrail { CloudTrailArn = $"arn:aws:cloudtrail:us-east-1:{_standIn.Account}:trail/none-{suffix}", AllRegions = true } },
            StartTime = DateTimeOffset.UtcNow.AddHours(-1),
        });

        await aa.CancelPolicyGenerationAsync(jobId);
        var job = (await aa.GetGeneratedPolicyAsync(jobId)).Job;

        Assert.Equal("CANCELED", job.Status);
        Assert.NotNull(job.CompletedOn);
        var missing = await Assert.ThrowsAsync<AwsServiceException>(() => aa.GetGeneratedPolicyAsync("no-such-job:" + suffix));
        Assert.Equal(LPErrorCategory.ObjectNotFound, missing.Category);
    }

    private static async Task<AccessAnalyzerGeneratedPolicy> WaitForJobAsync(IAccessAnalyzerApi aa, string jobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var result = await aa.GetGeneratedPolicyAsync(jobId);
            if (result.Job.Status != "IN_PROGRESS" || DateTime.UtcNow > deadline)
            {
                return result;
            }

            await Task.Delay(200);
        }
    }
}
