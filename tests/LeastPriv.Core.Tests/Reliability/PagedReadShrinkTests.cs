using System.Text.Json;
using LeastPriv.Core.Aws;
using LeastPriv.Core.Tests.Aws.Infrastructure;
using Xunit;

namespace LeastPriv.Core.Tests.Reliability;

/// <summary>
/// No silent shrink from paged and asynchronous AWS reads, over loopback HTTP: a LookupEvents
/// page that is denied or throttled beyond the retries ends the read with a typed error (never
/// a quiet end after the pages already read), and a FAILED Access Analyzer job is reported as
/// failed with its error, never as a complete generated policy.
/// </summary>
[Collection(AwsEnvironmentCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class PagedReadShrinkTests
{
    public static TheoryData<int, string, string, LPErrorCategory> PageTwoFaults => new()
    {
        { 400, "AccessDeniedException", "AwsAccessDenied", LPErrorCategory.PermissionDenied },
        { 400, "ThrottlingException", "AwsThrottling", LPErrorCategory.LimitsExceeded },
        { 500, "InternalFailure", "AwsInternalFailure", LPErrorCategory.ResourceUnavailable },
    };

    [Theory]
    [MemberData(nameof(PageTwoFaults))]
    public async Task LookupEvents_PageTwoFails_ThrowsAfterPageOneInsteadOfEnding(int status, string code, string errorId, LPErrorCategory category)
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(r =>
        {
            using var body = JsonDocument.Parse(r.Body);
            if (!body.RootElement.TryGetProperty("NextToken", out _))
            {
                return new ScriptedResponse(200, "{\"Events\":[{\"EventId\":\"e1\",\"EventName\":\"GetObject\",\"EventTime\":1704067200,\"CloudTrailEvent\":\"{}\"}],\"NextToken\":\"p2\"}", "application/x-amz-json-1.1");
            }

            // Every attempt at page 2 fails the same way (beyond the retries for transient codes).
            return new ScriptedResponse(status, $"{{\"__type\":\"{code}\",\"message\":\"no\"}}", "application/x-amz-json-1.1");
        });
        var client = (CloudTrailClient)AwsTestContext.For(server.Url, retry: AwsTestContext.FastRetries).CreateCloudTrailClient();
        client.LookupEventsMinInterval = TimeSpan.FromMilliseconds(1);
        var seen = new List<string>();

        var ex = await Assert.ThrowsAnyAsync<LeastPrivException>(async () =>
        {
            await foreach (var e in client.LookupEventsAsync(new CloudTrailLookupRequest { AttributeKey = "Username", AttributeValue = "app" }))
            {
                seen.Add(e.EventId ?? string.Empty);
            }
        });

        Assert.Equal(["e1"], seen);
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(category, ex.Category);
        var retried = category != LPErrorCategory.PermissionDenied;
        Assert.Equal(retried ? 1 + AwsTestContext.FastRetries.MaxAttempts : 2, server.Requests.Count);
    }

    [Fact]
    public async Task GetGeneratedPolicy_FailedJob_ReportsFailureAndNoPolicy()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(_ => new ScriptedResponse(
            200,
            "{\"jobDetails\":{\"jobId\":\"j-failed\",\"status\":\"FAILED\",\"startedOn\":\"2026-01-05T10:00:00Z\",\"completedOn\":\"2026-01-05T10:03:00Z\","
            + "\"jobError\":{\"code\":\"AUTHORIZATION_ERROR\",\"message\":\"Access Analyzer could not assume the access role.\"}}}",
            "application/json"));

        var answer = await AwsTestContext.For(server.Url).CreateAccessAnalyzerClient().GetGeneratedPolicyAsync("j-failed");

        Assert.Equal("FAILED", answer.Job.Status);
        Assert.Equal("AUTHORIZATION_ERROR", answer.Job.ErrorCode);
        Assert.Contains("access role", answer.Job.ErrorMessage, StringComparison.Ordinal);
        Assert.NotEqual(true, answer.IsComplete);
        Assert.Empty(answer.Policies);
    }
}
