namespace LeastPriv.Core.Discovery.Capture;

/// <summary>
/// The credentials a workload runs with: a discovery user's access key, or the temporary
/// credentials of an assumed discovery role. Held in memory only; <see cref="ToString"/> never
/// shows the secret or the token.
/// </summary>
public sealed class CaptureCredentials
{
    public CaptureCredentials(string accessKeyId, string secretAccessKey, string? sessionToken, string principalArn, DateTimeOffset? expiration = null)
    {
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        SessionToken = sessionToken;
        PrincipalArn = principalArn;
        Expiration = expiration;
    }

    public string AccessKeyId { get; }

    public string SecretAccessKey { get; }

    /// <summary>The session token of temporary (assumed-role) credentials; null for an access key.</summary>
    public string? SessionToken { get; }

    /// <summary>The principal the workload acts as (the user's or the role's ARN).</summary>
    public string PrincipalArn { get; }

    public DateTimeOffset? Expiration { get; }

    public override string ToString() => $"{AccessKeyId} ({PrincipalArn})";
}
