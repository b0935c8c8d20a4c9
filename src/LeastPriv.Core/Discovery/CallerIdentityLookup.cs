using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using LeastPriv.Core.Aws;

namespace LeastPriv.Core.Discovery;

/// <summary>The identity behind some credentials (STS GetCallerIdentity, which needs no permission).</summary>
public sealed class CallerIdentity
{
    public CallerIdentity(string account, string arn, string userId)
    {
        Account = account;
        Arn = arn;
        UserId = userId;
    }

    public string Account { get; }

    public string Arn { get; }

    public string UserId { get; }
}

/// <summary>Asks STS who the credentials of a context are; SDK errors become <see cref="AwsServiceException"/>.</summary>
public interface ICallerIdentityLookup
{
    Task<CallerIdentity> GetAsync(AwsContext context, CancellationToken cancellationToken);
}

/// <summary>GetCallerIdentity through the official STS client.</summary>
public sealed class StsCallerIdentityLookup : ICallerIdentityLookup
{
    public static readonly StsCallerIdentityLookup Instance = new();

    public async Task<CallerIdentity> GetAsync(AwsContext context, CancellationToken cancellationToken)
    {
        using var sts = context.CreateStsClient();
        try
        {
            var answer = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
            return new CallerIdentity(answer.Account, answer.Arn, answer.UserId);
        }
        catch (AmazonServiceException ex)
        {
            throw new AwsServiceException(AwsService.Sts, "GetCallerIdentity", ex.ErrorCode ?? string.Empty, ex.StatusCode, ex.RequestId, ex.Message);
        }
        catch (AmazonClientException ex)
        {
            throw new LeastPrivException("AwsEndpointUnreachable", LPErrorCategory.ConnectionError, $"AWS STS GetCallerIdentity could not be sent: {ex.Message}", null, ex);
        }
    }
}
