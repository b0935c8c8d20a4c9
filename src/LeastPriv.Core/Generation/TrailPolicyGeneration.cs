using LeastPriv.Core.CloudTrail;
using LeastPriv.Core.Discovery;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Core.Generation;

/// <summary>
/// The local generator over a trail's delivered logs (Get-LPGeneratedPolicy -Local): the log
/// files of the windows' days (plus a day of delivery slack) in each of the trail's regions,
/// streamed from S3 in parallel through the CloudTrail reader, keeping only the principal's
/// records inside one of the windows.
/// </summary>
public static class TrailPolicyGeneration
{
    /// <summary>A listing or download failure is an error; a damaged object makes the result incomplete.</summary>
    public static async Task<LPGeneratedPolicy> FromTrailAsync(
        TrailLogBucket bucket,
        TrailLogLocation location,
        string principalArn,
        IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> windows,
        LocalPolicyGeneratorOptions options,
        IEngineReporter reporter,
        CancellationToken cancellationToken,
        int maxDegreeOfParallelism = 0)
    {
        if (windows.Count == 0)
        {
            throw new LeastPrivException("CaptureWindowNotFound", LPErrorCategory.ObjectNotFound, "There is no time window to read the trail's logs for.", principalArn);
        }

        foreach (var (s, e) in windows)
        {
            if (e <= s)
            {
                PolicyGenerationRange.Validate(s, e);
            }
        }

        var start = windows.Min(w => w.Start);
        var end = windows.Max(w => w.End);
        var filter = new CloudTrailFilter { PrincipalArn = principalArn, StartTime = start, EndTime = end, IncludeErrors = true };
        filter.Validate();
        var files = await bucket.ListAsync(location, start, end, cancellationToken).ConfigureAwait(false);
        reporter.Verbose($"Generating a policy from {files.Count} log file(s) in s3://{location.BucketName} ({string.Join(", ", location.Regions)}), resource scope {options.ResourceScope}.");
        Func<CloudTrailRecord, bool>? include = windows.Count == 1
            ? null
            : record => windows.Any(w => record.EventTime >= w.Start && record.EventTime < w.End);
        return await LocalPolicyGeneration.FromSourcesAsync(
            bucket.ToSources(location.BucketName, files),
            filter,
            options,
            reporter,
            cancellationToken,
            include,
            maxDegreeOfParallelism).ConfigureAwait(false);
    }

    /// <summary>The finished windows of a session (an open window ends now).</summary>
    public static IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> WindowsOf(SessionManifest manifest, DateTimeOffset now) =>
        manifest.Windows.Select(w => (w.Start, w.End ?? now)).ToArray();
}
