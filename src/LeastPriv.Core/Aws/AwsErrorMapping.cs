using System.Net;

namespace LeastPriv.Core.Aws;

/// <summary>
/// The one place that turns AWS error codes into LeastPriv error ids, categories and retry
/// decisions. Codes are compared after removing a trailing <c>Exception</c> (JSON services add
/// it, query services do not), so <c>AccessDenied</c> and <c>AccessDeniedException</c> behave the same.
/// </summary>
public static class AwsErrorMapping
{
    // botocore retries/standard.py throttle codes (aws-wire.md §7).
    private static readonly HashSet<string> ThrottleCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "Throttled", "RequestThrottled", "TooManyRequests", "ProvisionedThroughputExceeded",
        "TransactionInProgress", "RequestLimitExceeded", "BandwidthLimitExceeded", "SlowDown",
        "PriorRequestNotComplete", "EC2Throttled",
    };

    // Transient codes that are not throttling; IAM documents ConcurrentModification as "retry".
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "RequestTimeout", "PriorRequestNotComplete", "InternalFailure", "InternalServer", "InternalError",
        "ServiceFailure", "ServiceUnavailable", "ConcurrentModification",
    };

    // A key IAM has just created is not yet known everywhere: each protocol has its own code
    // for "unknown access key" (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency).
    private static readonly HashSet<string> UnknownKeyCodes = new(StringComparer.Ordinal)
    {
        "InvalidClientTokenId", "UnrecognizedClient", "InvalidAccessKeyId", "CloudTrailInvalidClientTokenId",
    };

    private static readonly HashSet<string> QuotaCodes = new(StringComparer.Ordinal)
    {
        "LimitExceeded", "ServiceQuotaExceeded", "MaximumNumberOfTrailsExceeded", "TagsLimitExceeded",
        "PackedPolicyTooLarge",
    };

    private static readonly HashSet<string> AuthenticationCodes = new(StringComparer.Ordinal)
    {
        "InvalidClientTokenId", "UnrecognizedClient", "InvalidAccessKeyId", "CloudTrailInvalidClientTokenId",
        "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken", "MissingAuthenticationTokenException",
        "ExpiredToken", "RequestExpired", "RequestTimeTooSkewed", "InvalidToken", "AuthorizationHeaderMalformed",
    };

    private static readonly HashSet<string> PermissionCodes = new(StringComparer.Ordinal)
    {
        "AccessDenied", "UnauthorizedOperation", "NotAuthorized", "Forbidden",
    };

    private static readonly HashSet<string> NotFoundCodes = new(StringComparer.Ordinal)
    {
        "NoSuchEntity", "ResourceNotFound", "TrailNotFound", "NoSuchBucket", "NoSuchKey", "NoSuchBucketPolicy",
        "S3BucketDoesNotExist", "NotFound",
    };

    private static readonly HashSet<string> ExistsCodes = new(StringComparer.Ordinal)
    {
        "EntityAlreadyExists", "TrailAlreadyExists", "BucketAlreadyExists", "BucketAlreadyOwnedByYou",
    };

    private static readonly HashSet<string> StateCodes = new(StringComparer.Ordinal)
    {
        "DeleteConflict", "Conflict", "UnmodifiableEntity", "InvalidHomeRegion", "BucketNotEmpty",
        "PolicyNotAttachable", "InsufficientS3BucketPolicy", "InsufficientEncryptionPolicy",
    };

    /// <summary>Removes a trailing <c>Exception</c>: <c>ThrottlingException</c> → <c>Throttling</c>.</summary>
    public static string Normalize(string code)
    {
        const string suffix = "Exception";
        return code.Length > suffix.Length && code.EndsWith(suffix, StringComparison.Ordinal)
            ? code.Substring(0, code.Length - suffix.Length)
            : code;
    }

    /// <summary><c>Aws</c> + the normalized code; <c>AwsUnknownError</c> when the service sent none.</summary>
    public static string ErrorIdFor(string code)
    {
        var normalized = Normalize(code);
        return string.IsNullOrEmpty(normalized) ? "AwsUnknownError" : "Aws" + normalized;
    }

    public static LPErrorCategory CategoryFor(string code, HttpStatusCode status)
    {
        var c = Normalize(code);
        if (PermissionCodes.Contains(c))
        {
            return LPErrorCategory.PermissionDenied;
        }

        if (AuthenticationCodes.Contains(c))
        {
            return LPErrorCategory.AuthenticationError;
        }

        if (NotFoundCodes.Contains(c))
        {
            return LPErrorCategory.ObjectNotFound;
        }

        if (ExistsCodes.Contains(c))
        {
            return LPErrorCategory.ResourceExists;
        }

        if (ThrottleCodes.Contains(c) || QuotaCodes.Contains(c) || c == "LimitExceeded")
        {
            return LPErrorCategory.LimitsExceeded;
        }

        if (StateCodes.Contains(c))
        {
            return LPErrorCategory.InvalidOperation;
        }

        if (TransientCodes.Contains(c))
        {
            return LPErrorCategory.ResourceUnavailable;
        }

        if (c is "Validation" or "InvalidInput" or "MalformedPolicyDocument" or "MalformedPolicy" or "MalformedXML"
            || c.StartsWith("Invalid", StringComparison.Ordinal) || c.StartsWith("Malformed", StringComparison.Ordinal))
        {
            return LPErrorCategory.InvalidArgument;
        }

        return (int)status switch
        {
            401 => LPErrorCategory.AuthenticationError,
            403 => LPErrorCategory.PermissionDenied,
            404 => LPErrorCategory.ObjectNotFound,
            409 => LPErrorCategory.InvalidOperation,
            429 => LPErrorCategory.LimitsExceeded,
            >= 500 => LPErrorCategory.ResourceUnavailable,
            400 => LPErrorCategory.InvalidArgument,
            _ => LPErrorCategory.NotSpecified,
        };
    }

    /// <summary>Throttling: retried with back-off.</summary>
    public static bool IsThrottling(string code, HttpStatusCode status)
        => ThrottleCodes.Contains(Normalize(code)) || (status == (HttpStatusCode)429 && !IsQuota(code));

    /// <summary>
    /// A quota (IAM <c>LimitExceeded</c> 409, Access Analyzer <c>ServiceQuotaExceededException</c> 402):
    /// retrying cannot help, so it is never retried. Note botocore's throttle list holds
    /// <c>LimitExceededException</c>, not IAM's <c>LimitExceeded</c> (aws-wire.md §7).
    /// </summary>
    public static bool IsQuota(string code) => QuotaCodes.Contains(Normalize(code));

    /// <summary>Transient: 500/502/503/504 and the transient codes.</summary>
    public static bool IsTransient(string code, HttpStatusCode status)
    {
        if (IsQuota(code))
        {
            return false;
        }

        var s = (int)status;
        return TransientCodes.Contains(Normalize(code)) || s is 500 or 502 or 503 or 504;
    }

    /// <summary>The service does not (yet) know the access key id.</summary>
    public static bool IsUnknownAccessKey(string code) => UnknownKeyCodes.Contains(Normalize(code));
}
