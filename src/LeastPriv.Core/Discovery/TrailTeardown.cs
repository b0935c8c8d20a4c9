using Amazon.S3;
using Amazon.S3.Model;
using LeastPriv.Core.Aws;

namespace LeastPriv.Core.Discovery;

/// <summary>
/// Removes a discovery trail and its bucket, each in its own region, and finds trails and buckets
/// carrying a session's tag. Used by <see cref="DiscoveryCleanup"/>; the clients per region come
/// from the factories so the trail is always addressed in its home region (DeleteTrail and
/// StopLogging must be, InvalidHomeRegionException otherwise).
/// </summary>
public sealed class TrailTeardown : IDisposable
{
    private readonly Func<string, ICloudTrailApi> _cloudTrailIn;
    private readonly Func<string, IAmazonS3> _s3In;
    private readonly Dictionary<string, IAmazonS3> _s3 = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ICloudTrailApi> _cloudTrail = new(StringComparer.Ordinal);

    public TrailTeardown(Func<string, ICloudTrailApi> cloudTrailIn, Func<string, IAmazonS3> s3In, string? defaultRegion)
    {
        _cloudTrailIn = cloudTrailIn;
        _s3In = s3In;
        DefaultRegion = defaultRegion;
    }

    /// <summary>The region used when neither the manifest nor an ARN names one.</summary>
    public string? DefaultRegion { get; }

    /// <summary>Clients of <paramref name="context"/>'s credentials and endpoints, per region.</summary>
    public static TrailTeardown For(AwsContext context)
        => new(r => context.WithRegion(r).CreateCloudTrailClient(), r => context.WithRegion(r).CreateS3Client(), context.Region);

    /// <summary>
    /// Stops logging (so nothing more is written), then deletes the trail. TrailNotFound (from the
    /// GetTrail that comes first) means it is gone. StopLogging and DeleteTrail get the trail's
    /// name, which AWS accepts like the ARN and which emulators also resolve.
    /// </summary>
    public async Task DeleteTrailAsync(string nameOrArn, string region, CancellationToken cancellationToken)
    {
        var cloudTrail = CloudTrailIn(region);
        var trail = await cloudTrail.GetTrailAsync(nameOrArn, cancellationToken).ConfigureAwait(false);
        var name = trail.Name.Length > 0 ? trail.Name : nameOrArn;
        await cloudTrail.StopLoggingAsync(name, cancellationToken).ConfigureAwait(false);
        await cloudTrail.DeleteTrailAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>CloudTrail GetTrail in the trail's home region: false on TrailNotFound.</summary>
    public async Task<bool> TrailExistsAsync(string nameOrArn, string region, CancellationToken cancellationToken)
    {
        try
        {
            await CloudTrailIn(region).GetTrailAsync(nameOrArn, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AwsServiceException ex) when (ex.NormalizedCode is "TrailNotFound" or "ResourceNotFound")
        {
            return false;
        }
    }

    /// <summary>S3 HeadBucket: false when the bucket is not there (404 / NoSuchBucket).</summary>
    public async Task<bool> BucketExistsAsync(string bucket, string region, CancellationToken cancellationToken)
    {
        var s3 = S3In(region);
        try
        {
            await S3Calls.RunAsync("HeadBucket", bucket, () => s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }, cancellationToken)).ConfigureAwait(false);
            return true;
        }
        catch (AwsServiceException ex) when (ex.HttpStatus == System.Net.HttpStatusCode.NotFound || ex.NormalizedCode == "NoSuchBucket")
        {
            return false;
        }
    }

    /// <summary>Deletes every object version and delete marker in the bucket, then the bucket. NoSuchBucket means it is gone.</summary>
    public async Task DeleteBucketAsync(string bucket, string region, CancellationToken cancellationToken)
    {
        var s3 = S3In(region);
        string? keyMarker = null;
        string? versionMarker = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await S3Calls.RunAsync("ListObjectVersions", bucket, () => s3.ListVersionsAsync(
                new ListVersionsRequest { BucketName = bucket, KeyMarker = keyMarker, VersionIdMarker = versionMarker },
                cancellationToken)).ConfigureAwait(false);
            var versions = page.Versions ?? new List<S3ObjectVersion>();
            if (versions.Count > 0)
            {
                // DeleteObjects takes at most 1,000 keys; a ListObjectVersions page holds at most 1,000.
                var delete = new DeleteObjectsRequest
                {
                    BucketName = bucket,
                    Objects = versions.Select(v => new KeyVersion { Key = v.Key, VersionId = string.IsNullOrEmpty(v.VersionId) || v.VersionId == "null" ? null : v.VersionId }).ToList(),
                    Quiet = true,
                };
                var answer = await S3Calls.RunAsync("DeleteObjects", bucket, () => s3.DeleteObjectsAsync(delete, cancellationToken)).ConfigureAwait(false);
                if (answer.DeleteErrors is { Count: > 0 } errors)
                {
                    var first = errors[0];
                    throw new AwsServiceException(AwsService.S3, "DeleteObjects", first.Code ?? "InternalError", System.Net.HttpStatusCode.OK, null, $"{errors.Count} object(s) of s3://{bucket} could not be deleted, e.g. {first.Key}: {first.Message}", bucket);
                }
            }

            if (page.IsTruncated != true)
            {
                break;
            }

            keyMarker = page.NextKeyMarker;
            versionMarker = page.NextVersionIdMarker;
        }

        await S3Calls.RunAsync("DeleteBucket", bucket, () => s3.DeleteBucketAsync(new DeleteBucketRequest { BucketName = bucket }, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>The trails whose home is <paramref name="region"/> and that carry <paramref name="tag"/> (DescribeTrails + ListTags).</summary>
    public async Task<IReadOnlyList<CloudTrailTrail>> FindTaggedTrailsAsync(string region, AwsTag tag, CancellationToken cancellationToken)
    {
        var cloudTrail = CloudTrailIn(region);
        var found = new List<CloudTrailTrail>();
        foreach (var trail in await cloudTrail.DescribeTrailsAsync(null, includeShadowTrails: false, cancellationToken).ConfigureAwait(false))
        {
            if (trail.TrailARN is null || (trail.HomeRegion is not null && trail.HomeRegion != region))
            {
                continue;
            }

            try
            {
                var tags = await cloudTrail.ListTagsAsync(trail.TrailARN, cancellationToken).ConfigureAwait(false);
                if (tags.Any(t => t.Key == tag.Key && t.Value == tag.Value))
                {
                    found.Add(trail);
                }
            }
            catch (AwsServiceException ex) when (ex.NormalizedCode is "TrailNotFound" or "ResourceNotFound")
            {
            }
        }

        return found;
    }

    /// <summary>
    /// The buckets carrying <paramref name="tag"/> (ListBuckets + GetBucketTagging). Buckets whose
    /// tags cannot be read from here (another region's redirect, no tag set, access denied) are
    /// counted in <paramref name="unreadable"/> rather than guessed.
    /// </summary>
    public async Task<IReadOnlyList<string>> FindTaggedBucketsAsync(string region, AwsTag tag, Action<string, string>? unreadable, CancellationToken cancellationToken)
    {
        var s3 = S3In(region);
        var found = new List<string>();
        var list = await S3Calls.RunAsync("ListBuckets", null, () => s3.ListBucketsAsync(new ListBucketsRequest(), cancellationToken)).ConfigureAwait(false);
        foreach (var bucket in list.Buckets ?? new List<S3Bucket>())
        {
            try
            {
                var tagging = await S3Calls.RunAsync("GetBucketTagging", bucket.BucketName, () => s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket.BucketName }, cancellationToken)).ConfigureAwait(false);
                if ((tagging.TagSet ?? new List<Tag>()).Any(t => t.Key == tag.Key && t.Value == tag.Value))
                {
                    found.Add(bucket.BucketName);
                }
            }
            catch (AwsServiceException ex) when (ex.NormalizedCode is "NoSuchTagSet" or "NoSuchTagSetError" or "NoSuchBucket")
            {
            }
            catch (AwsServiceException ex)
            {
                unreadable?.Invoke(bucket.BucketName, ex.ErrorCode);
            }
        }

        return found;
    }

    public void Dispose()
    {
        foreach (var client in _s3.Values)
        {
            client.Dispose();
        }

        _s3.Clear();
    }

    private ICloudTrailApi CloudTrailIn(string region)
    {
        if (!_cloudTrail.TryGetValue(region, out var client))
        {
            client = _cloudTrailIn(region);
            _cloudTrail[region] = client;
        }

        return client;
    }

    private IAmazonS3 S3In(string region)
    {
        if (!_s3.TryGetValue(region, out var client))
        {
            client = _s3In(region);
            _s3[region] = client;
        }

        return client;
    }
}
