using LeastPriv.Core.Discovery.Capture;
using Xunit;

namespace LeastPriv.Core.Tests.Discovery.Capture;

public sealed class CaptureEnvironmentTests
{
    private static readonly CaptureCredentials UserKey = new("AKIAUSER", "user-secret", null, "arn:aws:iam::123456789012:user/app");
    private static readonly CaptureCredentials RoleKeys = new("ASIAROLE", "role-secret", "role-token", "arn:aws:iam::123456789012:role/app");

    [Fact]
    public void Changes_UserKey_SetsKeyAndRegion_UnsetsTokenAndConflictingVariables()
    {
        var changes = CaptureEnvironment.Changes(UserKey, "eu-west-1", null, []);

        Assert.Equal("AKIAUSER", changes["AWS_ACCESS_KEY_ID"]);
        Assert.Equal("user-secret", changes["AWS_SECRET_ACCESS_KEY"]);
        Assert.Null(changes["AWS_SESSION_TOKEN"]);
        Assert.Equal("eu-west-1", changes["AWS_REGION"]);
        Assert.Equal("eu-west-1", changes["AWS_DEFAULT_REGION"]);
        foreach (var name in new[] { "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI" })
        {
            Assert.True(changes.ContainsKey(name) && changes[name] is null, name + " must be unset");
        }

        Assert.False(changes.ContainsKey("AWS_ENDPOINT_URL"), "without an endpoint the caller's endpoint is left alone");
    }

    [Fact]
    public void Changes_RoleCredentials_SetTheSessionToken()
    {
        var changes = CaptureEnvironment.Changes(RoleKeys, null, null, []);

        Assert.Equal("role-token", changes["AWS_SESSION_TOKEN"]);
        Assert.False(changes.ContainsKey("AWS_REGION"), "no region known: the caller's region variables stay");
    }

    [Fact]
    public void Changes_WithEndpoint_SetsItAndUnsetsServiceEndpointOverrides()
    {
        var changes = CaptureEnvironment.Changes(UserKey, "us-east-1", "http://127.0.0.1:4566", ["PATH", "AWS_ENDPOINT_URL_S3", "aws_endpoint_url_iam", "AWS_ENDPOINT_URL"]);

        Assert.Equal("http://127.0.0.1:4566", changes["AWS_ENDPOINT_URL"]);
        Assert.Null(changes["AWS_ENDPOINT_URL_S3"]);
        Assert.Null(changes["aws_endpoint_url_iam"]);
        Assert.Null(changes["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]);
        Assert.False(changes.ContainsKey("PATH"));
    }

    [Fact]
    public void CaptureCredentials_ToString_ShowsNoSecret()
    {
        Assert.DoesNotContain("role-secret", RoleKeys.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("role-token", RoleKeys.ToString(), StringComparison.Ordinal);
        Assert.True(CaptureEnvironment.IsSecret("AWS_SECRET_ACCESS_KEY"));
        Assert.True(CaptureEnvironment.IsSecret("AWS_SESSION_TOKEN"));
        Assert.False(CaptureEnvironment.IsSecret("AWS_ACCESS_KEY_ID"));
    }
}
