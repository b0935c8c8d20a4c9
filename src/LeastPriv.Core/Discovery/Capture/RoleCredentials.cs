using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using LeastPriv.Core.Aws;
using LeastPriv.Core.Reporting;

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

    /// <summary>
    /// Assumes the role and waits until the temporary credentials authenticate (new credentials
    /// can be refused for a moment, as new access keys are; the same wait as for a new key).
    /// </summary>
    public static async Task<CaptureCredentials> AssumeAsync(AwsContext caller, string roleArn, string roleSessionName, IEngineReporter reporter, CancellationToken cancellationToken)
    {
        var credentials = await AssumeOnceAsync(caller, roleArn, roleSessionName, cancellationToken).ConfigureAwait(false);
        await DiscoveryProvisioner.WaitForCredentialsAsync(
            caller,
            StsCallerIdentityLookup.Instance,
            reporter,
            credentials.AssumedRoleArn,
            credentials.Credentials.AccessKeyId,
            credentials.Credentials.SecretAccessKey,
            credentials.Credentials.SessionToken,
            TimeSpan.FromMinutes(1),
            cancellationToken).ConfigureAwait(false);
        return credentials.Credentials;
    }

    private static async Task<(CaptureCredentials Credentials, string AssumedRoleArn)> AssumeOnceAsync(AwsContext caller, string roleArn, string roleSessionName, CancellationToken cancellationToken)
    {
        using var sts = caller.CreateStsClient();
        try
        {
            var answer = await sts.AssumeRoleAsync(
                new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = roleSessionName },
                cancellationToken).ConfigureAwait(false);
            var c = answer.Credentials;
            return (new CaptureCredentials(
                c.AccessKeyId,
                c.SecretAccessKey,
                c.SessionToken,
                roleArn,
                c.Expiration is { } expiration ? new DateTimeOffset(DateTime.SpecifyKind(expiration, DateTimeKind.Utc)) : null), answer.AssumedRoleUser.Arn);
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
