using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using LeastPriv.Core.Aws;

namespace LeastPriv.Core.Discovery.Capture;

/// <summary>Temporary credentials of a discovery role, assumed with the caller's credentials (STS AssumeRole).</summary>
public static class RoleCredentials
{
    /// <summary>The role session name: it appears in the assumed-role ARN and in CloudTrail's userIdentity.</summary>
    public static string SessionName(string sessionId)
    {
        var name = "LeastPriv-" + sessionId;
        return name.Length <= 64 ? name : name.Substring(0, 64);
    }

    public static async Task<CaptureCredentials> AssumeAsync(AwsContext caller, string roleArn, string roleSessionName, CancellationToken cancellationToken)
    {
        using var sts = caller.CreateStsClient();
        try
        {
            var answer = await sts.AssumeRoleAsync(
                new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = roleSessionName },
                cancellationToken).ConfigureAwait(false);
            var c = answer.Credentials;
            return new CaptureCredentials(
                c.AccessKeyId,
                c.SecretAccessKey,
                c.SessionToken,
                roleArn,
                c.Expiration is { } expiration ? new DateTimeOffset(DateTime.SpecifyKind(expiration, DateTimeKind.Utc)) : null);
        }
        catch (AmazonServiceException ex)
        {
            throw new AwsServiceException(AwsService.Sts, "AssumeRole", ex.ErrorCode ?? string.Empty, ex.StatusCode, ex.RequestId, ex.Message);
        }
        catch (AmazonClientException ex)
        {
            throw new LeastPrivException("AwsEndpointUnreachable", LPErrorCategory.ConnectionError, $"AWS STS AssumeRole could not be sent: {ex.Message}", roleArn, ex);
        }
    }
}
