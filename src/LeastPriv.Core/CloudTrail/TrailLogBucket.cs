using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using LeastPriv.Core.Aws;

namespace LeastPriv.Core.CloudTrail;

/// <summary>One log file found in a trail's bucket.</summary>
public sealed class TrailLogFile
{
    public string Key { get; init; } = string.Empty;

    /// <summary>The region folder the file is in (the region its events were recorded in).</summary>
    public string Region { get; init; } = string.Empty;

    public long Size { get; init; }

    /// <summary>When S3 stored the object: the delivery time, to the second.</summary>
    public DateTimeOffset LastModified { get; init; }

    /// <summary>The delivery time in the file name (minute precision).</summary>
    public DateTimeOffset? NamedDeliveryTime { get; init; }

    public override string ToString() => Key;
}

/// <summary>Where a trail delivers: bucket, key prefix, account and the regions to read.</summary>
public sealed class TrailLogLocation
{
    public string BucketName { get; init; } = string.Empty;

    public string? KeyPrefix { get; init; }

    public string AccountId { get; init; } = string.Empty;

    public IReadOnlyList<string> Regions { get; init; } = Array.Empty<string>();
}

/// <summary>
/// Lists and opens a trail's delivered log files with the official S3 client (its own retries
/// with back-off for throttling and 5xx). A listing or download that still fails is an error
/// (<c>Aws&lt;Code&gt;</c>, e.g. <c>AwsAccessDenied</c>), never a shorter list: a policy built from
/// part of the logs would silently miss actions.
/// </summary>
public sealed class TrailLogBucket
{
    private readonly IAmazonS3 _s3;

    public TrailLogBucket(IAmazonS3 s3)
    {
        _s3 = s3;
    }

    /// <summary>Every log file (digests and other objects skipped) in the day folders of the range, per region, in key order.</summary>
    public async Task<IReadOnlyList<TrailLogFile>> ListAsync(TrailLogLocation location, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var files = new List<TrailLogFile>();
        foreach (var prefix in TrailBucketLayout.DayPrefixes(location.KeyPrefix, location.AccountId, location.Regions, start, end))
        {
            await ListPrefixAsync(location.BucketName, prefix, files, cancellationToken).ConfigureAwait(false);
        }

        return files;
    }

    /// <summary>Every log file under one region's folder for the given day folders (see <see cref="TrailBucketLayout.DayPrefixes"/>).</summary>
    public async Task ListPrefixAsync(string bucket, string prefix, List<TrailLogFile> into, CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            ListObjectsV2Response page;
            try
            {
                page = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = token }, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonServiceException ex)
            {
                throw ToError(ex, "ListObjectsV2", $"s3://{bucket}/{prefix}");
            }

            foreach (var o in page.S3Objects ?? new List<S3Object>())
            {
                if (!TrailBucketLayout.IsLogFile(o.Key))
                {
                    continue;
                }

                into.Add(new TrailLogFile
                {
                    Key = o.Key,
                    Region = TrailBucketLayout.RegionOf(o.Key) ?? string.Empty,
                    Size = o.Size ?? 0,
                    LastModified = o.LastModified is { } m ? new DateTimeOffset(m.ToUniversalTime(), TimeSpan.Zero) : default,
                    NamedDeliveryTime = TrailBucketLayout.DeliveryTimeOf(o.Key),
                });
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (!string.IsNullOrEmpty(token));
    }

    /// <summary>Sources the CloudTrail reader streams from (one GetObject each, opened on a reading thread, never buffered whole).</summary>
    public IReadOnlyList<CloudTrailSource> ToSources(string bucket, IEnumerable<TrailLogFile> files) =>
        files.Select(f => CloudTrailSource.FromStream($"s3://{bucket}/{f.Key}", ct => OpenAsync(bucket, f.Key, ct))).ToArray();

    private async Task<Stream> OpenAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            return response.ResponseStream;
        }
        catch (AmazonServiceException ex)
        {
            throw ToError(ex, "GetObject", $"s3://{bucket}/{key}");
        }
    }

    /// <summary>An S3 error as the engine's error: id and category from the one mapping table.</summary>
    internal static LeastPrivException ToError(AmazonServiceException ex, string operation, string target)
    {
        var code = string.IsNullOrEmpty(ex.ErrorCode) ? ((int)ex.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : ex.ErrorCode;
        return new LeastPrivException(
            AwsErrorMapping.ErrorIdFor(code),
            AwsErrorMapping.CategoryFor(code, ex.StatusCode),
            $"Amazon S3 {operation} on '{target}' failed: {code}: {ex.Message} The trail's logs cannot be read completely, so no result is given from part of them.",
            target,
            ex);
    }
}
