using System.Text.Json;
using LeastPriv.Core.Aws;
using LeastPriv.Core.Tests.Aws.Infrastructure;
using Xunit;

namespace LeastPriv.Core.Tests.Aws;

/// <summary>CloudTrail (JSON 1.1) and Access Analyzer (REST-JSON) errors, retries and pagination over loopback HTTP.</summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed class JsonClientErrorAndPagingTests
{
    [Fact]
    public async Task CloudTrail_TrailNotFoundWithNamespace_MapsToObjectNotFound()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(_ => new ScriptedResponse(400, "{\"__type\":\"com.amazonaws.cloudtrail.v20131101#TrailNotFoundException\",\"Message\":\"Unknown trail: lp for the user: 123456789012\"}", "application/x-amz-json-1.1").WithHeader("x-amzn-RequestId", "ct-req-1"));
        var ct = AwsTestContext.For(server.Url).CreateCloudTrailClient();

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => ct.GetTrailAsync("lp"));

        Assert.Equal("TrailNotFoundException", ex.ErrorCode);
        Assert.Equal("AwsTrailNotFound", ex.ErrorId);
        Assert.Equal(LPErrorCategory.ObjectNotFound, ex.Category);
        Assert.Equal("ct-req-1", ex.RequestId);
        Assert.Equal(AwsService.CloudTrail, ex.Service);
        Assert.Contains("Unknown trail", ex.Message);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("TrailAlreadyExistsException", "AwsTrailAlreadyExists", LPErrorCategory.ResourceExists)]
    [InlineData("InsufficientS3BucketPolicyException", "AwsInsufficientS3BucketPolicy", LPErrorCategory.InvalidOperation)]
    [InlineData("InvalidTrailNameException", "AwsInvalidTrailName", LPErrorCategory.InvalidArgument)]
    [InlineData("UnrecognizedClientException", "AwsUnrecognizedClient", LPErrorCategory.AuthenticationError)]
    [InlineData("AccessDeniedException", "AwsAccessDenied", LPErrorCategory.PermissionDenied)]
    public async Task CloudTrail_ErrorType_MapsOnce(string type, string errorId, LPErrorCategory category)
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(_ => new ScriptedResponse(400, $"{{\"__type\":\"{type}\",\"message\":\"m\"}}", "application/x-amz-json-1.1"));

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => AwsTestContext.For(server.Url).CreateCloudTrailClient().StartLoggingAsync("t"));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(category, ex.Category);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task CloudTrail_ThrottlingException400_Retried()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer();
        server.Enqueue(
            new ScriptedResponse(400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}", "application/x-amz-json-1.1"),
            new ScriptedResponse(200, "{\"IsLogging\":true,\"StartLoggingTime\":1.7E9}", "application/x-amz-json-1.1"));

        var status = await AwsTestContext.For(server.Url).CreateCloudTrailClient().GetTrailStatusAsync("t");

        Assert.True(status.IsLogging);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), status.StartLoggingTime);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task AccessAnalyzer_ServiceQuotaExceeded402_NotRetried()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(_ => new ScriptedResponse(402, "{\"message\":\"Only one policy generation at a time\",\"resourceId\":\"x\",\"resourceType\":\"y\"}", "application/json")
            .WithHeader("x-amzn-ErrorType", "ServiceQuotaExceededException:http://internal.amazon.com/coral/com.amazonaws.accessanalyzer/"));
        var aa = AwsTestContext.For(server.Url).CreateAccessAnalyzerClient();

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => aa.StartPolicyGenerationAsync(new AccessAnalyzerStartPolicyGenerationRequest
        {
            PrincipalArn = "arn:aws:iam::123456789012:user/u",
            AccessRole = "arn:aws:iam::123456789012:role/r",
            Trails = { new AccessAnalyzerTrail { CloudTrailArn = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/t", AllRegions = true } },
            StartTime = DateTimeOffset.UtcNow.AddHours(-1),
        }));

        Assert.Single(server.Requests);
        Assert.Equal("ServiceQuotaExceededException", ex.ErrorCode);
        Assert.Equal("AwsServiceQuotaExceeded", ex.ErrorId);
        Assert.Equal(LPErrorCategory.LimitsExceeded, ex.Category);
        Assert.Equal(402, (int)ex.HttpStatus);
    }

    [Fact]
    public async Task AccessAnalyzer_Throttling429ThenInternalServer500_RetriedUntilSuccess()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer();
        server.Enqueue(
            new ScriptedResponse(429, "{\"message\":\"slow down\"}", "application/json").WithHeader("x-amzn-ErrorType", "ThrottlingException").WithHeader("Retry-After", "0"),
            new ScriptedResponse(500, "{\"message\":\"oops\"}", "application/json").WithHeader("x-amzn-ErrorType", "InternalServerException"),
            new ScriptedResponse(200, "{\"policyGenerations\":[{\"jobId\":\"j1\",\"principalArn\":\"arn:aws:iam::1:user/u\",\"status\":\"SUCCEEDED\",\"startedOn\":\"2024-02-14T22:44:41Z\",\"completedOn\":\"2024-02-14T22:47:01.123Z\"}]}", "application/json"));

        var jobs = await AwsTestContext.For(server.Url).CreateAccessAnalyzerClient().ListPolicyGenerationsAsync();

        var job = Assert.Single(jobs);
        Assert.Equal("SUCCEEDED", job.Status);
        Assert.Equal(new DateTimeOffset(2024, 2, 14, 22, 47, 1, 123, TimeSpan.Zero), job.CompletedOn);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task AccessAnalyzer_ListPolicyGenerations_FollowsNextTokenInQuery()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(r =>
        {
            var page = r.Query.Contains("nextToken=t%2B2", StringComparison.Ordinal) ? 2 : 1;
            var next = page == 1 ? ",\"nextToken\":\"t+2\"" : string.Empty;
            return new ScriptedResponse(200, $"{{\"policyGenerations\":[{{\"jobId\":\"j{page}\",\"principalArn\":\"arn:aws:iam::1:user/u\",\"status\":\"IN_PROGRESS\",\"startedOn\":\"2024-01-01T00:00:00Z\"}}]{next}}}", "application/json");
        });

        var jobs = await AwsTestContext.For(server.Url).CreateAccessAnalyzerClient().ListPolicyGenerationsAsync("arn:aws:iam::1:user/u");

        Assert.Equal(new[] { "j1", "j2" }, jobs.Select(j => j.JobId));
        Assert.All(server.Requests, r => Assert.Contains("principalArn=arn%3Aaws%3Aiam%3A%3A1%3Auser%2Fu", r.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task LookupEvents_ThreePages_StreamsEveryEventAndSendsTokenBack()
    {
        using var env = new EnvironmentScope();
        var pagesServed = 0;
        using var server = new LoopbackServer(r =>
        {
            using var body = JsonDocument.Parse(r.Body);
            var token = body.RootElement.TryGetProperty("NextToken", out var t) ? t.GetString() : null;
            var page = token switch { null => 1, "p2" => 2, "p3" => 3, _ => throw new InvalidOperationException(token) };
            pagesServed++;
            var events = string.Join(",", Enumerable.Range(1, 2).Select(i => $"{{\"EventId\":\"e{page}-{i}\",\"EventName\":\"CreateUser\",\"EventTime\":{1704067200 + page}.5,\"CloudTrailEvent\":\"{{\\\"eventVersion\\\":\\\"1.09\\\"}}\"}}"));
            var next = page < 3 ? $",\"NextToken\":\"p{page + 1}\"" : string.Empty;
            return new ScriptedResponse(200, $"{{\"Events\":[{events}]{next}}}", "application/x-amz-json-1.1");
        });
        var ct = AwsTestContext.For(server.Url).CreateCloudTrailClient();
        ((CloudTrailClient)ct).LookupEventsMinInterval = TimeSpan.FromMilliseconds(1);

        var seen = new List<CloudTrailLookupEvent>();
        await foreach (var e in ct.LookupEventsAsync(new CloudTrailLookupRequest { AttributeKey = "Username", AttributeValue = "app" }))
        {
            seen.Add(e);
            if (seen.Count == 1)
            {
                // Streaming: the first event arrives before later pages are asked for.
                Assert.Equal(1, pagesServed);
            }
        }

        Assert.Equal(new[] { "e1-1", "e1-2", "e2-1", "e2-2", "e3-1", "e3-2" }, seen.Select(e => e.EventId));
        Assert.Equal("{\"eventVersion\":\"1.09\"}", seen[0].CloudTrailEvent);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_704_067_201_500), seen[0].EventTime);
        Assert.Equal(3, server.Requests.Count);
    }

    [Theory]
    [InlineData("Username", null)]
    [InlineData("Nope", "x")]
    [InlineData("Username", "")]
    public async Task LookupEvents_BadAttribute_ThrowsBeforeAnyCall(string key, string? value)
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(_ => new ScriptedResponse(200, "{}"));
        var ct = AwsTestContext.For(server.Url).CreateCloudTrailClient();

        var ex = await Assert.ThrowsAsync<LeastPrivException>(async () =>
        {
            await foreach (var unused in ct.LookupEventsAsync(new CloudTrailLookupRequest { AttributeKey = key, AttributeValue = value }))
            {
            }
        });

        Assert.Equal("CloudTrailLookupInvalid", ex.ErrorId);
        Assert.Equal(LPErrorCategory.InvalidArgument, ex.Category);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("com.amazonaws.cloudtrail.v20131101#TrailNotFoundException", "TrailNotFoundException")]
    [InlineData("ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/", "ValidationException")]
    [InlineData("aws.protocoltests#ComplexError:http://x", "ComplexError")]
    [InlineData("Throttling", "Throttling")]
    public void CleanCode_BotocoreRules_KeepsTheBareCode(string raw, string expected)
        => Assert.Equal(expected, AwsErrorReader.CleanCode(raw));

    [Theory]
    [InlineData("Throttling", 400, true)]
    [InlineData("ThrottlingException", 429, true)]
    [InlineData("SlowDown", 503, true)]
    [InlineData("LimitExceeded", 409, false)]
    [InlineData("ServiceQuotaExceededException", 402, false)]
    [InlineData("NoSuchEntity", 404, false)]
    [InlineData("ServiceFailure", 500, true)]
    [InlineData("Anything", 503, true)]
    [InlineData("ConcurrentModification", 409, true)]
    [InlineData("SignatureDoesNotMatch", 403, false)]
    public void RetryPolicy_Code_RetriedOnlyWhenTransient(string code, int status, bool retried)
    {
        var policy = new AwsRetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(10) };

        Assert.Equal(retried, policy.ShouldRetry(1, code, (System.Net.HttpStatusCode)status, TimeSpan.Zero, null, out _));
        Assert.False(policy.ShouldRetry(3, code, (System.Net.HttpStatusCode)status, TimeSpan.Zero, null, out _));
    }

    [Fact]
    public void RetryPolicy_Backoff_GrowsAndStaysUnderCap()
    {
        var policy = new AwsRetryPolicy { MaxAttempts = 10, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500), Random = () => 1.0 };

        var delays = Enumerable.Range(1, 5).Select(a =>
        {
            policy.ShouldRetry(a, "Throttling", System.Net.HttpStatusCode.BadRequest, TimeSpan.Zero, null, out var d);
            return d.TotalMilliseconds;
        }).ToArray();

        Assert.Equal(new[] { 100d, 200d, 400d, 500d, 500d }, delays);
    }

    [Fact]
    public void RetryPolicy_UnknownKeyWithoutGrace_NotRetried()
    {
        Assert.False(AwsRetryPolicy.Default.ShouldRetry(1, "InvalidClientTokenId", System.Net.HttpStatusCode.Forbidden, TimeSpan.Zero, null, out _));
        Assert.True(AwsRetryPolicy.Default.WithNewKeyGrace(TimeSpan.FromSeconds(30)).ShouldRetry(9, "UnrecognizedClientException", System.Net.HttpStatusCode.BadRequest, TimeSpan.FromSeconds(29), null, out var d));
        Assert.True(d <= TimeSpan.FromSeconds(1));
    }
}
