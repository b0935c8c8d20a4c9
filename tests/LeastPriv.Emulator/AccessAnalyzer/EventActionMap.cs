using System.Text.RegularExpressions;

namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>
/// The emulated service's own eventSource/eventName to IAM action table. It is deliberately
/// independent of the engine's mapper so the stand-in checks the engine instead of echoing it.
/// </summary>
public static partial class EventActionMap
{
    // eventSource hosts whose first label is not the IAM service prefix.
    private static readonly Dictionary<string, string> PrefixBySource = new(StringComparer.OrdinalIgnoreCase)
    {
        ["monitoring.amazonaws.com"] = "cloudwatch",
        ["appstream2.amazonaws.com"] = "appstream",
        ["models.lex.amazonaws.com"] = "lex",
        ["runtime.lex.amazonaws.com"] = "lex",
        ["mturk-requester.amazonaws.com"] = "mechanicalturk",
        ["streams.dynamodb.amazonaws.com"] = "dynamodb",
        ["tagging.amazonaws.com"] = "tag",
        ["pinpoint.amazonaws.com"] = "mobiletargeting",
        ["email.amazonaws.com"] = "ses",
    };

    // S3 operations whose IAM action has another name (botocore S3 model operation docs).
    private static readonly Dictionary<string, string[]> S3Renames = new(StringComparer.Ordinal)
    {
        ["HeadObject"] = ["GetObject"],
        ["HeadBucket"] = ["ListBucket"],
        ["ListObjects"] = ["ListBucket"],
        ["ListObjectsV2"] = ["ListBucket"],
        ["ListObjectVersions"] = ["ListBucketVersions"],
        ["ListBuckets"] = ["ListAllMyBuckets"],
        ["DeleteObjects"] = ["DeleteObject"],
        ["CopyObject"] = ["GetObject", "PutObject"],
        ["UploadPartCopy"] = ["GetObject", "PutObject"],
        ["CreateMultipartUpload"] = ["PutObject"],
        ["UploadPart"] = ["PutObject"],
        ["CompleteMultipartUpload"] = ["PutObject"],
        ["ListMultipartUploads"] = ["ListBucketMultipartUploads"],
        ["ListParts"] = ["ListMultipartUploadParts"],
        ["SelectObjectContent"] = ["GetObject"],
        ["GetBucketAccelerateConfiguration"] = ["GetAccelerateConfiguration"],
        ["PutBucketAccelerateConfiguration"] = ["PutAccelerateConfiguration"],
        ["GetBucketCors"] = ["GetBucketCORS"],
        ["PutBucketCors"] = ["PutBucketCORS"],
        ["DeleteBucketCors"] = ["PutBucketCORS"],
        ["GetBucketEncryption"] = ["GetEncryptionConfiguration"],
        ["PutBucketEncryption"] = ["PutEncryptionConfiguration"],
        ["DeleteBucketEncryption"] = ["PutEncryptionConfiguration"],
        ["GetBucketLifecycle"] = ["GetLifecycleConfiguration"],
        ["GetBucketLifecycleConfiguration"] = ["GetLifecycleConfiguration"],
        ["PutBucketLifecycle"] = ["PutLifecycleConfiguration"],
        ["PutBucketLifecycleConfiguration"] = ["PutLifecycleConfiguration"],
        ["DeleteBucketLifecycle"] = ["PutLifecycleConfiguration"],
        ["GetBucketNotificationConfiguration"] = ["GetBucketNotification"],
        ["PutBucketNotificationConfiguration"] = ["PutBucketNotification"],
        ["GetBucketReplication"] = ["GetReplicationConfiguration"],
        ["PutBucketReplication"] = ["PutReplicationConfiguration"],
        ["DeleteBucketReplication"] = ["PutReplicationConfiguration"],
        ["DeleteBucketTagging"] = ["PutBucketTagging"],
        ["DeleteBucketOwnershipControls"] = ["PutBucketOwnershipControls"],
        ["GetPublicAccessBlock"] = ["GetBucketPublicAccessBlock"],
        ["PutPublicAccessBlock"] = ["PutBucketPublicAccessBlock"],
        ["DeletePublicAccessBlock"] = ["PutBucketPublicAccessBlock"],
        ["DeleteBucketPublicAccessBlock"] = ["PutBucketPublicAccessBlock"],
        ["PutBucketIntelligentTieringConfiguration"] = ["PutIntelligentTieringConfiguration"],
        ["GetObjectLockConfiguration"] = ["GetBucketObjectLockConfiguration"],
        ["PutObjectLockConfiguration"] = ["PutBucketObjectLockConfiguration"],
    };

    // Events that are not authorised by any IAM action (sign-in flows).
    private static readonly HashSet<string> NoActionEvents = new(StringComparer.Ordinal)
    {
        "signin:ConsoleLogin",
        "signin:CheckMfa",
        "signin:SwitchRole",
        "signin:ExternalIdPDirectoryLogin",
    };

    // Calls AWS authorises without any permission; sts:GetCallerIdentity works even under an explicit deny.
    private static readonly HashSet<string> PermissionlessActions = new(StringComparer.Ordinal)
    {
        "sts:GetCallerIdentity",
    };

    /// <summary>The IAM service prefix for an eventSource host (<c>iam.amazonaws.com</c> → <c>iam</c>).</summary>
    public static string PrefixFor(string eventSource)
    {
        if (PrefixBySource.TryGetValue(eventSource, out var prefix))
        {
            return prefix;
        }

        var dot = eventSource.IndexOf('.', StringComparison.Ordinal);
        return (dot < 0 ? eventSource : eventSource[..dot]).ToLowerInvariant();
    }

    /// <summary>Whether the action needs no permission at all.</summary>
    public static bool IsPermissionless(string action) => PermissionlessActions.Contains(action);

    /// <summary>
    /// The IAM actions that authorise a CloudTrail event; empty when no action authorises it
    /// (console sign-in) or when it cannot be mapped.
    /// </summary>
    public static IReadOnlyList<string> ActionsFor(string eventSource, string eventName)
    {
        if (string.IsNullOrEmpty(eventSource) || string.IsNullOrEmpty(eventName))
        {
            return [];
        }

        var prefix = PrefixFor(eventSource);
        if (NoActionEvents.Contains(prefix + ":" + eventName))
        {
            return [];
        }

        switch (prefix)
        {
            case "s3" when S3Renames.TryGetValue(eventName, out var renamed):
                return renamed.Select(a => "s3:" + a).ToArray();
            case "lambda":
                // Lambda logs versioned operation names such as ListFunctions20150331 or
                // GetFunction20150331v2; Invoke is the operation behind lambda:InvokeFunction.
                var name = LambdaVersionSuffix().Replace(eventName, string.Empty);
                return [name == "Invoke" ? "lambda:InvokeFunction" : "lambda:" + name];
            case "kms" when eventName == "ReEncrypt":
                return ["kms:ReEncryptFrom", "kms:ReEncryptTo"];
            default:
                return [prefix + ":" + eventName];
        }
    }

    [GeneratedRegex("[0-9]{8}(v[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex LambdaVersionSuffix();
}
