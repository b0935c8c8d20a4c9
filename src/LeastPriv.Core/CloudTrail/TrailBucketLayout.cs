using System.Globalization;
using System.Text.RegularExpressions;

namespace LeastPriv.Core.CloudTrail;

/// <summary>
/// Where CloudTrail puts log files in a trail's bucket
/// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-find-log-files.html):
/// <c>{prefix/}AWSLogs/{account}/CloudTrail/{region}/{yyyy}/{MM}/{dd}/{account}_CloudTrail_{region}_{yyyyMMddTHHmmZ}_{unique}.json.gz</c>.
/// The date folders and the file time are the delivery time (UTC), so a range of event times is
/// read from the days it touches plus a day of slack for delivery lag. Digests live under
/// <c>CloudTrail-Digest/</c> and hold no events.
/// </summary>
public static class TrailBucketLayout
{
    /// <summary>Days read after the end of a range: a file delivered after midnight can hold events of the day before.</summary>
    public static readonly TimeSpan DeliverySlack = TimeSpan.FromDays(1);

    private static readonly Regex LogFileName = new(
        @"(?:^|/)(?<account>\d{12})_CloudTrail_(?<region>[a-z0-9-]+)_(?<time>\d{8}T\d{4}Z)_[A-Za-z0-9]+\.json(?:\.gz)?$",
        RegexOptions.CultureInvariant | RegexOptions.Compiled);

    /// <summary><c>{prefix/}AWSLogs/{account}/CloudTrail/{region}/</c>.</summary>
    public static string RegionPrefix(string? keyPrefix, string accountId, string region)
    {
        var prefix = string.IsNullOrEmpty(keyPrefix) ? string.Empty : keyPrefix!.Trim('/') + "/";
        return $"{prefix}AWSLogs/{accountId}/CloudTrail/{region}/";
    }

    /// <summary>
    /// The day folders to list for events between <paramref name="start"/> and <paramref name="end"/>:
    /// every UTC day from the start's day through the day of <c>end + slack</c>, for each region,
    /// regions in the given order, days ascending.
    /// </summary>
    public static IReadOnlyList<string> DayPrefixes(
        string? keyPrefix,
        string accountId,
        IEnumerable<string> regions,
        DateTimeOffset start,
        DateTimeOffset end,
        TimeSpan? slack = null)
    {
        if (start > end)
        {
            throw CloudTrailErrors.TimeRange(start, end);
        }

        var firstDay = start.UtcDateTime.Date;
        var lastDay = (end + (slack ?? DeliverySlack)).UtcDateTime.Date;
        var result = new List<string>();
        foreach (var region in regions.Distinct(StringComparer.Ordinal))
        {
            var regionPrefix = RegionPrefix(keyPrefix, accountId, region);
            for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
            {
                result.Add(regionPrefix + day.ToString("yyyy'/'MM'/'dd'/'", CultureInfo.InvariantCulture));
            }
        }

        return result;
    }

    /// <summary>True for a CloudTrail log file key (not a digest, not another object in the bucket).</summary>
    public static bool IsLogFile(string key) =>
        !CloudTrailFileSet.IsDigest(key) && LogFileName.IsMatch(key);

    /// <summary>The delivery time in a log file's name (minute precision), or null when the key is not a log file.</summary>
    public static DateTimeOffset? DeliveryTimeOf(string key)
    {
        var match = LogFileName.Match(key);
        if (!match.Success || CloudTrailFileSet.IsDigest(key))
        {
            return null;
        }

        return DateTimeOffset.TryParseExact(match.Groups["time"].Value, "yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
    }

    /// <summary>The region in a log file's name, or null.</summary>
    public static string? RegionOf(string key)
    {
        var match = LogFileName.Match(key);
        return match.Success ? match.Groups["region"].Value : null;
    }
}
