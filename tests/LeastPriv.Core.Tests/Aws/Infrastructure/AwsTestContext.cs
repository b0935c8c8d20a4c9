using LeastPriv.Core.Aws;

namespace LeastPriv.Core.Tests.Aws.Infrastructure;

internal static class AwsTestContext
{
    public static readonly AwsRetryPolicy FastRetries = new()
    {
        MaxAttempts = 4,
        BaseDelay = TimeSpan.FromMilliseconds(5),
        MaxDelay = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>A context with fixed keys pointing every service at <paramref name="endpoint"/>.</summary>
    public static AwsContext For(string endpoint, string region = "eu-west-1", AwsRetryPolicy? retry = null, string? sessionToken = null)
        => AwsContext.Resolve(new AwsContextOptions
        {
            AccessKey = "AKIAIOSFODNN7EXAMPLE",
            SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            SessionToken = sessionToken,
            Region = region,
            EndpointUrl = endpoint,
            RetryPolicy = retry ?? FastRetries,
        });
}
