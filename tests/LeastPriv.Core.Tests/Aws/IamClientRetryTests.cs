using System.Diagnostics;
using LeastPriv.Core.Aws;
using LeastPriv.Core.Tests.Aws.Infrastructure;
using Xunit;

namespace LeastPriv.Core.Tests.Aws;

/// <summary>Errors, retries and pagination of the IAM client over real HTTP on 127.0.0.1.</summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed class IamClientRetryTests
{
    private const string Ns = "https://iam.amazonaws.com/doc/2010-05-08/";

    private static string UserXml(string name) =>
        $"<GetUserResponse xmlns=\"{Ns}\"><GetUserResult><User><Path>/</Path><UserName>{name}</UserName><UserId>AIDAEXAMPLE</UserId>"
        + $"<Arn>arn:aws:iam::123456789012:user/{name}</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate></User></GetUserResult>"
        + "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetUserResponse>";

    private static ScriptedResponse QueryError(int status, string code, string message = "m")
        => new(status, $"<ErrorResponse xmlns=\"{Ns}\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>rid-{code}</RequestId></ErrorResponse>", "text/xml");

    [Fact]
    public async Task GetUser_ThrottlingThen500ThenOk_RetriesAndReturnsUser()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer();
        server.Enqueue(QueryError(400, "Throttling"), new ScriptedResponse(500, string.Empty), new ScriptedResponse(200, UserXml("alice"), "text/xml"));
        var iam = AwsTestContext.For(server.Url).CreateIamClient();

        var user = await iam.GetUserAsync("alice");

        Assert.Equal("alice", user.UserName);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task GetUser_Http429_RetriedThenSucceeds()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer();
        server.Enqueue(new ScriptedResponse(429, string.Empty), new ScriptedResponse(200, UserXml("bob"), "text/xml"));

        var user = await AwsTestContext.For(server.Url).CreateIamClient().GetUserAsync("bob");

        Assert.Equal("bob", user.UserName);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task GetUser_AlwaysThrottled_StopsAtMaxAttemptsWithLimitsExceeded()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(_ => QueryError(400, "Throttling", "Rate exceeded"));
        var iam = AwsTestContext.For(server.Url).CreateIamClient();

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => iam.GetUserAsync("alice"));

        Assert.Equal(AwsTestContext.FastRetries.MaxAttempts, server.Requests.Count);
        Assert.Equal("AwsThrottling", ex.ErrorId);
        Assert.Equal(LPErrorCategory.LimitsExceeded, ex.Category);
        Assert.Equal("rid-Throttling", ex.RequestId);
        Assert.Equal("GetUser", ex.Operation);
        Assert.Contains("Rate exceeded", ex.Message);
    }

    [Fact]
    public async Task CreateUser_LimitExceededQuota_IsNotRetried()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(_ => QueryError(409, "LimitExceeded", "Cannot exceed quota for UsersPerAccount: 5000"));
        var iam = AwsTestContext.For(server.Url).CreateIamClient();

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => iam.CreateUserAsync(new IamCreateUserRequest { UserName = "u" }));

        Assert.Single(server.Requests);
        Assert.Equal("AwsLimitExceeded", ex.ErrorId);
        Assert.Equal(LPErrorCategory.LimitsExceeded, ex.Category);
        Assert.Equal("u", ex.Target);
    }

    [Theory]
    [InlineData(404, "NoSuchEntity", "AwsNoSuchEntity", LPErrorCategory.ObjectNotFound)]
    [InlineData(403, "AccessDenied", "AwsAccessDenied", LPErrorCategory.PermissionDenied)]
    [InlineData(409, "EntityAlreadyExists", "AwsEntityAlreadyExists", LPErrorCategory.ResourceExists)]
    [InlineData(409, "DeleteConflict", "AwsDeleteConflict", LPErrorCategory.InvalidOperation)]
    [InlineData(400, "MalformedPolicyDocument", "AwsMalformedPolicyDocument", LPErrorCategory.InvalidArgument)]
    [InlineData(403, "InvalidClientTokenId", "AwsInvalidClientTokenId", LPErrorCategory.AuthenticationError)]
    public async Task Call_ErrorCode_MapsToErrorIdAndCategoryWithoutRetry(int status, string code, string errorId, LPErrorCategory category)
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(_ => QueryError(status, code));
        var iam = AwsTestContext.For(server.Url).CreateIamClient();

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => iam.DeleteUserAsync("carol"));

        Assert.Single(server.Requests);
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(category, ex.Category);
        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal(status, (int)ex.HttpStatus);
    }

    [Fact]
    public async Task GetUser_UnknownKeyWithGraceWindow_RetriedUntilKeyIsKnown()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer();
        server.Enqueue(QueryError(403, "InvalidClientTokenId"), QueryError(403, "InvalidClientTokenId"), new ScriptedResponse(200, UserXml("newbie"), "text/xml"));
        var context = AwsTestContext.For(server.Url).WithCredentials("AKIANEWKEY0000000001", "secret", null, TimeSpan.FromSeconds(10), "new key");

        var user = await context.CreateIamClient().GetUserAsync(null);

        Assert.Equal("newbie", user.UserName);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task GetUser_UnknownKeyGraceWindowOver_FailsWithAuthenticationError()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(_ => QueryError(403, "InvalidClientTokenId", "The security token included in the request is invalid."));
        var context = AwsTestContext.For(server.Url).WithCredentials("AKIANEWKEY0000000001", "secret", null, TimeSpan.FromMilliseconds(300), "new key");
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => context.CreateIamClient().GetUserAsync(null));

        Assert.Equal(LPErrorCategory.AuthenticationError, ex.Category);
        Assert.True(server.Requests.Count >= 2, $"expected retries inside the grace window, saw {server.Requests.Count} request(s)");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"grace window of 0.3 s took {clock.Elapsed}");
    }

    [Fact]
    public async Task GetUser_ThrottledWithRetryAfter_WaitsAtLeastRetryAfter()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer();
        server.Enqueue(QueryError(400, "Throttling").WithHeader("Retry-After", "1"), new ScriptedResponse(200, UserXml("dave"), "text/xml"));
        var policy = new AwsRetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();

        var user = await AwsTestContext.For(server.Url, retry: policy).CreateIamClient().GetUserAsync("dave");

        Assert.Equal("dave", user.UserName);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"Retry-After: 1 was not honoured ({clock.Elapsed.TotalMilliseconds} ms)");
    }

    [Fact]
    public async Task ListAccessKeys_ThreePages_FollowsMarkerAndReturnsAll()
    {
        using var env = new EnvironmentScope();
        var pages = new[]
        {
            ("AKIA1", "true", "m1"),
            ("AKIA2", "true", "m2"),
            ("AKIA3", "false", (string?)null),
        };
        var index = 0;
        using var server = new LoopbackServer(_ =>
        {
            var (id, truncated, marker) = pages[index++];
            var markerXml = marker is null ? string.Empty : $"<Marker>{marker}</Marker>";
            return new ScriptedResponse(200, $"<ListAccessKeysResponse xmlns=\"{Ns}\"><ListAccessKeysResult><AccessKeyMetadata><member><UserName>u</UserName><AccessKeyId>{id}</AccessKeyId><Status>Active</Status><CreateDate>2024-01-01T00:00:00Z</CreateDate></member></AccessKeyMetadata><IsTruncated>{truncated}</IsTruncated>{markerXml}</ListAccessKeysResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListAccessKeysResponse>", "text/xml");
        });

        var keys = await AwsTestContext.For(server.Url).CreateIamClient().ListAccessKeysAsync("u");

        Assert.Equal(new[] { "AKIA1", "AKIA2", "AKIA3" }, keys.Select(k => k.AccessKeyId));
        var bodies = server.Requests.Select(r => r.BodyText).ToArray();
        Assert.DoesNotContain("Marker=", bodies[0]);
        Assert.Contains("Marker=m1", bodies[1]);
        Assert.Contains("Marker=m2", bodies[2]);
    }

    [Fact]
    public async Task Call_ServerDown_FailsWithConnectionErrorAfterRetries()
    {
        using var env = new EnvironmentScope();
        var port = LoopbackServer.FreePort();
        var iam = AwsTestContext.For($"http://127.0.0.1:{port}").CreateIamClient();

        var ex = await Assert.ThrowsAsync<LeastPrivException>(() => iam.GetUserAsync("x"));

        Assert.Equal("AwsEndpointUnreachable", ex.ErrorId);
        Assert.Equal(LPErrorCategory.ConnectionError, ex.Category);
    }
}
