namespace LeastPriv.Core.Aws;

/// <summary>CloudTrail <c>Trail</c> (GetTrail, DescribeTrails, CreateTrail's answer).</summary>
public sealed class CloudTrailTrail
{
    public string Name { get; init; } = string.Empty;

    public string? S3BucketName { get; init; }

    public string? S3KeyPrefix { get; init; }

    public string? SnsTopicARN { get; init; }

    public bool? IncludeGlobalServiceEvents { get; init; }

    public bool? IsMultiRegionTrail { get; init; }

    /// <summary>The region the trail was created in; home-region-only operations must be sent there.</summary>
    public string? HomeRegion { get; init; }

    public string? TrailARN { get; init; }

    public bool? LogFileValidationEnabled { get; init; }

    public string? CloudWatchLogsLogGroupArn { get; init; }

    public string? CloudWatchLogsRoleArn { get; init; }

    public string? KmsKeyId { get; init; }

    public bool? HasCustomEventSelectors { get; init; }

    public bool? HasInsightSelectors { get; init; }

    public bool? IsOrganizationTrail { get; init; }
}

/// <summary>CreateTrail input. CreateTrail does not start logging: call StartLogging afterwards.</summary>
public sealed class CloudTrailCreateTrailRequest
{
    public string Name { get; set; } = string.Empty;

    public string S3BucketName { get; set; } = string.Empty;

    public string? S3KeyPrefix { get; set; }

    public bool? IncludeGlobalServiceEvents { get; set; }

    public bool? IsMultiRegionTrail { get; set; }

    public bool? EnableLogFileValidation { get; set; }

    public string? KmsKeyId { get; set; }

    public IList<AwsTag> TagsList { get; set; } = new List<AwsTag>();
}

/// <summary>GetTrailStatus answer.</summary>
public sealed class CloudTrailTrailStatus
{
    public bool IsLogging { get; init; }

    public string? LatestDeliveryError { get; init; }

    public DateTimeOffset? LatestDeliveryTime { get; init; }

    public DateTimeOffset? StartLoggingTime { get; init; }

    public DateTimeOffset? StopLoggingTime { get; init; }

    public DateTimeOffset? LatestDigestDeliveryTime { get; init; }

    public string? LatestDigestDeliveryError { get; init; }
}

/// <summary>A basic event selector (<c>EventSelector</c>).</summary>
public sealed class CloudTrailEventSelector
{
    /// <summary><c>ReadOnly</c>, <c>WriteOnly</c> or <c>All</c>.</summary>
    public string? ReadWriteType { get; set; }

    public bool? IncludeManagementEvents { get; set; }

    public IList<CloudTrailDataResource> DataResources { get; set; } = new List<CloudTrailDataResource>();

    public IList<string> ExcludeManagementEventSources { get; set; } = new List<string>();
}

/// <summary>A data resource of an event selector, e.g. <c>AWS::S3::Object</c> with <c>arn:aws:s3:::bucket/</c>.</summary>
public sealed class CloudTrailDataResource
{
    public string Type { get; set; } = string.Empty;

    public IList<string> Values { get; set; } = new List<string>();
}

/// <summary>An advanced event selector.</summary>
public sealed class CloudTrailAdvancedEventSelector
{
    public string? Name { get; set; }

    public IList<CloudTrailAdvancedFieldSelector> FieldSelectors { get; set; } = new List<CloudTrailAdvancedFieldSelector>();
}

/// <summary>One field condition of an advanced event selector.</summary>
public sealed class CloudTrailAdvancedFieldSelector
{
    public string Field { get; set; } = string.Empty;

    public IList<string>? EqualTo { get; set; }

    public IList<string>? StartsWith { get; set; }

    public IList<string>? EndsWith { get; set; }

    public IList<string>? NotEquals { get; set; }

    public IList<string>? NotStartsWith { get; set; }

    public IList<string>? NotEndsWith { get; set; }
}

/// <summary>Get/PutEventSelectors answer.</summary>
public sealed class CloudTrailEventSelectors
{
    public string? TrailARN { get; init; }

    public IReadOnlyList<CloudTrailEventSelector> EventSelectors { get; init; } = Array.Empty<CloudTrailEventSelector>();

    public IReadOnlyList<CloudTrailAdvancedEventSelector> AdvancedEventSelectors { get; init; } = Array.Empty<CloudTrailAdvancedEventSelector>();
}

/// <summary>LookupEvents input. At most one lookup attribute (a CloudTrail limit).</summary>
public sealed class CloudTrailLookupRequest
{
    /// <summary><c>EventId</c>, <c>EventName</c>, <c>ReadOnly</c>, <c>Username</c>, <c>ResourceType</c>, <c>ResourceName</c>, <c>EventSource</c> or <c>AccessKeyId</c>.</summary>
    public string? AttributeKey { get; set; }

    public string? AttributeValue { get; set; }

    public DateTimeOffset? StartTime { get; set; }

    public DateTimeOffset? EndTime { get; set; }

    /// <summary>1–50; CloudTrail's default is 50.</summary>
    public int? MaxResults { get; set; }
}

/// <summary>One LookupEvents entry; <see cref="CloudTrailEvent"/> is the full record as JSON text.</summary>
public sealed class CloudTrailLookupEvent
{
    public string? EventId { get; init; }

    public string? EventName { get; init; }

    /// <summary>CloudTrail sends <c>"true"</c>/<c>"false"</c> as a string.</summary>
    public string? ReadOnly { get; init; }

    public string? AccessKeyId { get; init; }

    public DateTimeOffset? EventTime { get; init; }

    public string? EventSource { get; init; }

    public string? Username { get; init; }

    public IReadOnlyList<CloudTrailEventResource> Resources { get; init; } = Array.Empty<CloudTrailEventResource>();

    public string? CloudTrailEvent { get; init; }
}

/// <summary>A resource named by a LookupEvents entry.</summary>
public sealed class CloudTrailEventResource
{
    public CloudTrailEventResource(string? resourceType, string? resourceName)
    {
        ResourceType = resourceType;
        ResourceName = resourceName;
    }

    public string? ResourceType { get; }

    public string? ResourceName { get; }
}
