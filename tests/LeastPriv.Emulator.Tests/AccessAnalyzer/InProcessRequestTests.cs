using System.Text;
using System.Text.Json;
using LeastPriv.Emulator.AccessAnalyzer;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace LeastPriv.Emulator.Tests.AccessAnalyzer;

/// <summary>Wire details checked in-process with a settable clock (no moto needed).</summary>
public sealed class InProcessRequestTests
{
    private const string Authorization = "AWS4-HMAC-SHA256 Credential=" + StandInHarness.CallerKey + "/20260101/us-east-1/access-analyzer/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";

    [Fact]
    public async Task ListPolicyGenerations_JobOlderThanSevenDays_IsNoLongerListed()
    {
        var clock = new SettableClock(DateTimeOffset.UtcNow);
        using var standIn = new TestStandIn(new Uri("http://127.0.0.1:9"));
        using var emulator = new AccessAnalyzerEmulator(new AccessAnalyzerEmulatorOptions { Clock = clock, JobDuration = TimeSpan.FromDays(30) }, standIn);
        var start = clock.GetUtcNow().AddHours(-1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var body = $$$"""{"policyGenerationDetails":{"principalArn":"arn:aws:iam::123456789012:user/app"},"cloudTrailDetails":{"trails":[{"cloudTrailArn":"arn:aws:cloudtrail:us-east-1:123456789012:trail/t","allRegions":true}],"accessRole":"arn:aws:iam::123456789012:role/r","startTime":"{{{start}}}"}}""";

        var (startStatus, _, _) = await SendAsync(emulator, "PUT", "/policy/generation", body);
        var (_, _, listedNow) = await SendAsync(emulator, "GET", "/policy/generation", null);
        clock.Advance(TimeSpan.FromDays(8));
        var (_, _, listedLater) = await SendAsync(emulator, "GET", "/policy/generation", null);

        Assert.Equal(200, startStatus);
        Assert.Single(JsonDocument.Parse(listedNow).RootElement.GetProperty("policyGenerations").EnumerateArray());
        Assert.Empty(JsonDocument.Parse(listedLater).RootElement.GetProperty("policyGenerations").EnumerateArray());
    }

    [Theory]
    [InlineData("PUT", "/policy/generation", "{not json", 400, "ValidationException")]
    [InlineData("GET", "/policy/generation/4d2b7f1e-0000-0000-0000-000000000000", null, 404, "ResourceNotFoundException")]
    [InlineData("DELETE", "/policy/generation", null, 400, "ValidationException")]
    public async Task HandleAsync_BadRequest_RestJsonErrorWithTypeHeaderAndMessage(string method, string path, string? body, int status, string errorType)
    {
        using var standIn = new TestStandIn(new Uri("http://127.0.0.1:9"));
        using var emulator = new AccessAnalyzerEmulator(new AccessAnalyzerEmulatorOptions(), standIn);

        var (actualStatus, headers, text) = await SendAsync(emulator, method, path, body);

        Assert.Equal(status, actualStatus);
        Assert.Equal(errorType, headers["x-amzn-ErrorType"].ToString());
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(text).RootElement.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task HandleAsync_NoSignature_MissingAuthenticationToken()
    {
        using var standIn = new TestStandIn(new Uri("http://127.0.0.1:9"));
        using var emulator = new AccessAnalyzerEmulator(new AccessAnalyzerEmulatorOptions(), standIn);

        var (status, headers, _) = await SendAsync(emulator, "GET", "/policy/generation", null, authorization: null);

        Assert.Equal(403, status);
        Assert.Equal("MissingAuthenticationTokenException", headers["x-amzn-ErrorType"].ToString());
    }

    private static async Task<(int Status, IHeaderDictionary Headers, string Body)> SendAsync(
        AccessAnalyzerEmulator emulator, string method, string path, string? body, string? authorization = Authorization)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body ?? string.Empty));
        var responseBody = new MemoryStream();
        context.Response.Body = responseBody;
        await emulator.HandleAsync(context);
        return (context.Response.StatusCode, context.Response.Headers, Encoding.UTF8.GetString(responseBody.ToArray()));
    }

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
