using LeastPriv.Core.Catalog;
using LeastPriv.Core.CloudTrail;

namespace LeastPriv;

/// <summary>
/// One CloudTrail event as Get-LPCloudTrailEvent writes it: the fields a person filters and
/// sorts on, the IAM actions the call needs, and the parsed <see cref="Record"/> underneath
/// (with its JSON text in <c>Record.RawJson</c> when asked for).
/// </summary>
public sealed class LPCloudTrailEvent
{
    public LPCloudTrailEvent(CloudTrailRecord record)
        : this(record, null)
    {
    }

    /// <summary>An event of a read whose counts and completeness travel with it down the pipeline.</summary>
    public LPCloudTrailEvent(CloudTrailRecord record, CloudTrailReadResult? readResult)
    {
        ReadResult = readResult;
        Record = record ?? throw new ArgumentNullException(nameof(record));
        var id = record.Identity;
        EventTime = record.EventTime.UtcDateTime;
        EventSource = record.EventSource;
        EventName = record.EventName;
        Region = record.AwsRegion;
        PrincipalType = id.Type;

        // For role sessions the principal that holds the permissions is the role, not the session.
        PrincipalArn = string.Equals(id.Type, "AssumedRole", StringComparison.Ordinal) && id.SessionIssuer?.Arn is { } role
            ? role
            : id.Arn;
        UserName = id.UserName;
        AccessKeyId = id.AccessKeyId;
        ErrorCode = record.ErrorCode;
        ErrorMessage = record.ErrorMessage;
        ReadOnly = record.ReadOnly;
        EventCategory = record.EventCategory;
        Resources = record.Resources.Select(r => r.Arn ?? r.ArnPrefix).Where(a => a is not null).Select(a => a!).ToArray();
        Action = EventActions.For(record.EventSource, record.EventName);
        SourceFile = record.SourceLocation;
    }

    /// <summary><c>eventTime</c> in UTC.</summary>
    public DateTime EventTime { get; }

    public string EventSource { get; }

    public string EventName { get; }

    public string? Region { get; }

    /// <summary>The IAM user's ARN, or for an assumed role the role's ARN (from the session issuer).</summary>
    public string? PrincipalArn { get; }

    /// <summary><c>userIdentity.type</c>: IAMUser, AssumedRole, Root, AWSService, ...</summary>
    public string? PrincipalType { get; }

    /// <summary>The IAM user name (IAMUser and Root callers).</summary>
    public string? UserName { get; }

    public string? AccessKeyId { get; }

    public string? ErrorCode { get; }

    public string? ErrorMessage { get; }

    public bool? ReadOnly { get; }

    public string? EventCategory { get; }

    /// <summary>ARNs from the record's <c>resources</c> list.</summary>
    public IReadOnlyList<string> Resources { get; }

    /// <summary>The IAM action(s) the call needs, from the event-to-action mapping; empty when it needs none or is unmapped.</summary>
    public IReadOnlyList<string> Action { get; }

    /// <summary>File (or S3 URI) the event was read from.</summary>
    public string? SourceFile { get; }

    /// <summary>The parsed record, including requestParameters and, when asked for, the record's JSON text.</summary>
    public CloudTrailRecord Record { get; }

    /// <summary>
    /// The read this event came from (shared by all its events; final once the read has ended):
    /// ConvertTo-LPPolicy marks its policy incomplete when a file of that read was damaged, so
    /// a damaged log never gives a smaller policy that looks complete.
    /// </summary>
    public CloudTrailReadResult? ReadResult { get; }

    public override string ToString() => $"{EventTime:yyyy-MM-ddTHH:mm:ssZ} {EventSource} {EventName}";
}

/// <summary>The one place the output type asks the event-to-action mapping.</summary>
internal static class EventActions
{
    public static IReadOnlyList<string> For(string eventSource, string eventName)
    {
        if (eventSource.Length == 0 || eventName.Length == 0)
        {
            return Array.Empty<string>();
        }

        var mapping = EventActionMapper.Default.Map(eventSource, eventName);
        return mapping.Kind == EventMappingKind.Actions ? mapping.Actions : Array.Empty<string>();
    }
}
