namespace LeastPriv.Core.CloudTrail;

/// <summary>
/// One CloudTrail record, as documented in the CloudTrail record contents reference
/// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
/// Only the fields the engine uses are parsed into properties; nested JSON that is only needed
/// sometimes (requestParameters, responseElements, additionalEventData) is kept as raw JSON text.
/// </summary>
public sealed class CloudTrailRecord
{
    public string? EventVersion { get; set; }

    public DateTimeOffset EventTime { get; set; }

    /// <summary>Service host, e.g. <c>s3.amazonaws.com</c>.</summary>
    public string EventSource { get; set; } = string.Empty;

    public string EventName { get; set; } = string.Empty;

    public string? AwsRegion { get; set; }

    public string? SourceIpAddress { get; set; }

    public string? UserAgent { get; set; }

    public string? ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }

    /// <summary><c>readOnly</c>; null when the record does not say.</summary>
    public bool? ReadOnly { get; set; }

    /// <summary><c>eventType</c>: AwsApiCall, AwsServiceEvent, AwsConsoleSignIn, AwsConsoleAction, AwsCloudTrailInsight.</summary>
    public string? EventType { get; set; }

    /// <summary><c>eventCategory</c>: Management, Data, Insight, NetworkActivity.</summary>
    public string? EventCategory { get; set; }

    /// <summary><c>managementEvent</c>; null when absent (older records).</summary>
    public bool? ManagementEvent { get; set; }

    public string? EventId { get; set; }

    public string? RequestId { get; set; }

    public string? SharedEventId { get; set; }

    public string? RecipientAccountId { get; set; }

    public string? VpcEndpointId { get; set; }

    public UserIdentity Identity { get; set; } = new();

    public IReadOnlyList<CloudTrailResource> Resources { get; set; } = Array.Empty<CloudTrailResource>();

    /// <summary>Raw JSON of <c>requestParameters</c>, or null when absent or JSON null.</summary>
    public string? RequestParametersJson { get; set; }

    /// <summary>Raw JSON of <c>responseElements</c>, or null when absent or JSON null.</summary>
    public string? ResponseElementsJson { get; set; }

    /// <summary>Raw JSON of <c>additionalEventData</c>, or null when absent.</summary>
    public string? AdditionalEventDataJson { get; set; }

    /// <summary>The whole record as JSON text, only when the reader was asked to keep it.</summary>
    public string? RawJson { get; set; }

    /// <summary>Where the record came from (file path or S3 URI), for error messages.</summary>
    public string? SourceLocation { get; set; }

    /// <summary>True when the call was refused for lack of permission (AccessDenied and friends).</summary>
    public bool IsAccessDenied => ErrorCode is not null && CloudTrailErrorCodes.IsAccessDenied(ErrorCode);
}

/// <summary>The <c>userIdentity</c> element.</summary>
public sealed class UserIdentity
{
    /// <summary>Root, IAMUser, AssumedRole, Role, FederatedUser, Directory, IdentityCenterUser, AWSAccount, AWSService, WebIdentityUser, SAMLUser, Unknown.</summary>
    public string? Type { get; set; }

    public string? PrincipalId { get; set; }

    public string? Arn { get; set; }

    public string? AccountId { get; set; }

    public string? AccessKeyId { get; set; }

    public string? UserName { get; set; }

    /// <summary>Set when an AWS service made the call on the principal's behalf (e.g. <c>s3.amazonaws.com</c>).</summary>
    public string? InvokedBy { get; set; }

    /// <summary>sessionContext.sessionIssuer for role sessions and federated users.</summary>
    public SessionIssuer? SessionIssuer { get; set; }

    /// <summary>sessionContext.attributes.mfaAuthenticated.</summary>
    public bool? MfaAuthenticated { get; set; }

    /// <summary>sessionContext.attributes.creationDate.</summary>
    public DateTimeOffset? SessionCreationDate { get; set; }

    /// <summary>
    /// True for calls made by an AWS service through a forward access session with the
    /// principal's identity (<c>invokedBy</c> is an AWS service host, type is not AWSService).
    /// </summary>
    public bool IsForwardAccessSession => InvokedBy is not null
        && !string.Equals(Type, "AWSService", StringComparison.Ordinal)
        && InvokedBy.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The <c>sessionContext.sessionIssuer</c> element.</summary>
public sealed class SessionIssuer
{
    public string? Type { get; set; }

    public string? PrincipalId { get; set; }

    public string? Arn { get; set; }

    public string? AccountId { get; set; }

    public string? UserName { get; set; }
}

/// <summary>One element of <c>resources[]</c>.</summary>
public sealed class CloudTrailResource
{
    public CloudTrailResource(string? arn, string? accountId, string? type)
    {
        Arn = arn;
        AccountId = accountId;
        Type = type;
    }

    public string? Arn { get; }

    public string? AccountId { get; }

    public string? Type { get; }

    /// <summary><c>ARNPrefix</c>: S3 data events on a key prefix name the prefix instead of an object ARN.</summary>
    public string? ArnPrefix { get; init; }
}

/// <summary>Error codes CloudTrail writes when a call was refused for lack of permission.</summary>
public static class CloudTrailErrorCodes
{
    private static readonly HashSet<string> Denied = new(StringComparer.OrdinalIgnoreCase)
    {
        "AccessDenied",
        "AccessDeniedException",
        "Client.UnauthorizedOperation",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "Forbidden",
        "ForbiddenException",
        "NotAuthorized",
        "NotAuthorizedException",
        "UnauthorizedException",
        "AccessDeniedFault",
    };

    public static bool IsAccessDenied(string errorCode) => Denied.Contains(errorCode);
}
