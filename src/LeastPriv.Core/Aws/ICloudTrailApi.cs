namespace LeastPriv.Core.Aws;

/// <summary>
/// The CloudTrail operations LeastPriv uses (aws-wire.md §4), behind an interface so the
/// official AWSSDK.CloudTrail client can replace the small one later.
/// </summary>
public interface ICloudTrailApi
{
    Task<CloudTrailTrail> CreateTrailAsync(CloudTrailCreateTrailRequest request, CancellationToken cancellationToken = default);

    /// <summary>Name or ARN; must be called in the trail's home region.</summary>
    Task DeleteTrailAsync(string name, CancellationToken cancellationToken = default);

    Task<CloudTrailTrail> GetTrailAsync(string name, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<CloudTrailTrail>> DescribeTrailsAsync(IEnumerable<string>? trailNames = null, bool? includeShadowTrails = null, CancellationToken cancellationToken = default);

    Task StartLoggingAsync(string name, CancellationToken cancellationToken = default);

    Task StopLoggingAsync(string name, CancellationToken cancellationToken = default);

    Task<CloudTrailTrailStatus> GetTrailStatusAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Basic selectors or advanced selectors (not both).</summary>
    Task<CloudTrailEventSelectors> PutEventSelectorsAsync(
        string trailName,
        IEnumerable<CloudTrailEventSelector>? eventSelectors,
        IEnumerable<CloudTrailAdvancedEventSelector>? advancedEventSelectors = null,
        CancellationToken cancellationToken = default);

    Task<CloudTrailEventSelectors> GetEventSelectorsAsync(string trailName, CancellationToken cancellationToken = default);

    Task AddTagsAsync(string resourceId, IEnumerable<AwsTag> tags, CancellationToken cancellationToken = default);

    /// <summary>The tags of one trail (ListTags, every page); the trail ARN, called in its home region.</summary>
    Task<IReadOnlyList<AwsTag>> ListTagsAsync(string trailArn, CancellationToken cancellationToken = default);

    /// <summary>Every matching event, page by page (NextToken), as they arrive.</summary>
    IAsyncEnumerable<CloudTrailLookupEvent> LookupEventsAsync(CloudTrailLookupRequest request, CancellationToken cancellationToken = default);
}
