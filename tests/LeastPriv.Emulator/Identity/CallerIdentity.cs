namespace LeastPriv.Emulator.Identity;

/// <summary>
/// Who signed a request, in the shape of CloudTrail's userIdentity element
/// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
/// </summary>
/// <param name="Type">IAMUser, AssumedRole, Root or Unknown.</param>
/// <param name="PrincipalId">User id (AIDA…) or role id plus session name (AROA…:session).</param>
/// <param name="Arn">The user ARN, or the sts assumed-role ARN for a session.</param>
/// <param name="AccountId">Account that owns the principal.</param>
/// <param name="AccessKeyId">The key the request was signed with.</param>
/// <param name="UserName">IAM user name (IAMUser only).</param>
/// <param name="SessionIssuer">The role a session was assumed from (AssumedRole only).</param>
/// <param name="SessionCreated">When the session credentials were issued (AssumedRole only).</param>
public sealed record CallerIdentity(
    string Type,
    string PrincipalId,
    string Arn,
    string AccountId,
    string AccessKeyId,
    string? UserName = null,
    SessionIssuer? SessionIssuer = null,
    DateTimeOffset? SessionCreated = null)
{
    /// <summary>The name LookupEvents reports as Username: the user name, or the session name for a role session.</summary>
    public string? LookupUserName => Type == "AssumedRole" ? Arn[(Arn.LastIndexOf('/') + 1)..] : UserName;
}

/// <summary>The role (or user) a temporary session was issued from: userIdentity.sessionContext.sessionIssuer.</summary>
public sealed record SessionIssuer(string Type, string PrincipalId, string Arn, string AccountId, string UserName);
