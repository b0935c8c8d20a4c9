using LeastPriv.Core.Aws;
using LeastPriv.Core.CloudTrail;
using LeastPriv.Core.Generation;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Core.Discovery;

/// <summary>
/// Waits until a session's trail has delivered the events of its capture windows, so policy
/// generation never runs on half-delivered logs.
/// <para>
/// Coverage rule: the windows are covered when a log file in the trail's <b>home region</b>
/// folder was stored (S3 LastModified, to the second) after the end of the latest window.
/// CloudTrail delivers a region's events in order, about every 5 minutes
/// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/how-cloudtrail-works.html), so a
/// file delivered after the window holds every earlier event of that region. The wait's own
/// GetTrailStatus calls are management events in the home region, so a logging trail always
/// delivers such a file, even when the workload made no call there. Other regions are delivered
/// on the same schedule but cannot be proven the same way (a region without calls gets no file).
/// GetTrailStatus's LatestDeliveryTime is reported, not relied on.
/// </para>
/// </summary>
public sealed class TrailDeliveryWaiter
{
    private const int ActivityId = 0x4C51;
    private const string Activity = "Waiting for CloudTrail to deliver the capture windows";

    private readonly ICloudTrailApi _cloudTrail;
    private readonly TrailLogBucket _bucket;
    private readonly IEngineReporter _reporter;

    public TrailDeliveryWaiter(ICloudTrailApi cloudTrail, TrailLogBucket bucket, IEngineReporter reporter)
    {
        _cloudTrail = cloudTrail;
        _bucket = bucket;
        _reporter = reporter;
    }

    public PollSchedule Poll { get; init; } = new() { Initial = TimeSpan.FromSeconds(5), Max = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// Polls until the windows are covered. A trail that is not logging is <c>TrailNotLogging</c>
    /// at once; running past <paramref name="timeout"/> is <c>CloudTrailDeliveryTimeout</c>, whose
    /// target is the status with Delivered = false.
    /// </summary>
    public async Task<LPDeliveryStatus> WaitAsync(SessionManifest manifest, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var trail = RequireTrail(manifest);
        var windows = manifest.Windows.Where(w => w.End is not null).ToList();
        if (windows.Count == 0)
        {
            throw new LeastPrivException(
                "CaptureWindowNotFound",
                LPErrorCategory.ObjectNotFound,
                $"Session {manifest.SessionId} has no finished capture window to wait for.",
                manifest.SessionId)
            {
                RecommendedAction = "Run the workload with Invoke-LPDiscoveryCapture first.",
            };
        }

        var windowStart = windows.Min(w => w.Start);
        var windowEnd = windows.Max(w => w.End!.Value);
        var location = LocationOf(manifest, trail);
        var home = new TrailLogLocation { BucketName = location.BucketName, KeyPrefix = location.KeyPrefix, AccountId = location.AccountId, Regions = new[] { trail.HomeRegion } };
        var wait = new PolledWait(_reporter, ActivityId, Activity) { Schedule = Poll, Deadline = DateTimeOffset.UtcNow + timeout };
        LPDeliveryStatus? notYet = null;
        return await wait.RunAsync<LPDeliveryStatus>(
            async (poll, ct) =>
            {
                var status = await _cloudTrail.GetTrailStatusAsync(trail.TrailArn ?? trail.TrailName, ct).ConfigureAwait(false);
                if (!status.IsLogging)
                {
                    throw new LeastPrivException(
                        "TrailNotLogging",
                        LPErrorCategory.InvalidOperation,
                        $"Trail {trail.TrailName} is not logging, so nothing more will be delivered.",
                        trail.TrailName)
                    {
                        RecommendedAction = "Start logging (aws cloudtrail start-logging) and run the capture again.",
                    };
                }

                if (!string.IsNullOrEmpty(status.LatestDeliveryError))
                {
                    _reporter.Warning($"CloudTrail reports a delivery error for trail {trail.TrailName}: {status.LatestDeliveryError}");
                }

                var now = poll.Now;
                // The recorded window ends a clock-skew margin after the workload did: until then no
                // file can cover it, so there is nothing to list yet.
                var homeFiles = now > windowEnd
                    ? await _bucket.ListAsync(home, windowEnd, now, ct).ConfigureAwait(false)
                    : Array.Empty<TrailLogFile>();
                var covering = homeFiles.Where(f => f.LastModified > windowEnd).OrderBy(f => f.LastModified).FirstOrDefault();
                var waited = now - poll.Started;
                poll.Report(covering is null
                    ? $"No log file after {windowEnd.UtcDateTime:HH:mm:ss}Z in {trail.HomeRegion} yet ({waited.TotalSeconds:0}s, poll {poll.Number})"
                    : $"Delivered ({waited.TotalSeconds:0}s)");
                if (covering is not null)
                {
                    var all = await _bucket.ListAsync(location, windowStart, now, ct).ConfigureAwait(false);
                    return Status(manifest, trail, windowEnd, true, all.Count(f => f.LastModified >= windowStart), status.LatestDeliveryTime, waited, covering.Key);
                }

                notYet = Status(manifest, trail, windowEnd, false, homeFiles.Count, status.LatestDeliveryTime, waited, null);
                return null;
            },
            _ => new LeastPrivException(
                "CloudTrailDeliveryTimeout",
                LPErrorCategory.OperationTimeout,
                $"Trail {trail.TrailName} delivered no log file in {trail.HomeRegion} after the capture window ended ({windowEnd.UtcDateTime:u}) within {timeout.TotalSeconds:0} seconds; generating now would miss events.",
                notYet)
            {
                RecommendedAction = "CloudTrail usually delivers within 5 minutes, sometimes 15: wait again with a longer -Timeout.",
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The session's trail, or <c>TrailNotFound</c>.</summary>
    public static ManifestTrail RequireTrail(SessionManifest manifest) =>
        manifest.Trail is { BucketName.Length: > 0 } trail
            ? trail
            : throw new LeastPrivException(
                "SessionTrailNotFound",
                LPErrorCategory.ObjectNotFound,
                $"Session {manifest.SessionId} has no trail.",
                manifest.SessionId)
            {
                RecommendedAction = "Create one with New-LPDiscoveryTrail.",
            };

    /// <summary>Bucket, prefix, account and regions of the session's trail.</summary>
    public static TrailLogLocation LocationOf(SessionManifest manifest, ManifestTrail trail)
    {
        var account = manifest.AccountId;
        if (string.IsNullOrEmpty(account) && trail.TrailArn is not null)
        {
            account = PolicyGenerationRange.ParseTrailArn(trail.TrailArn).Account;
        }

        var regions = trail.Regions.Count > 0 ? trail.Regions : new List<string> { trail.HomeRegion };
        return new TrailLogLocation
        {
            BucketName = trail.BucketName,
            KeyPrefix = trail.S3KeyPrefix,
            AccountId = account ?? string.Empty,
            Regions = regions.Where(r => !string.IsNullOrEmpty(r)).Distinct(StringComparer.Ordinal).ToArray(),
        };
    }

    private static LPDeliveryStatus Status(SessionManifest manifest, ManifestTrail trail, DateTimeOffset windowEnd, bool delivered, int files, DateTimeOffset? latest, TimeSpan waited, string? key) => new()
    {
        SessionId = manifest.SessionId,
        TrailName = trail.TrailName,
        WindowEnd = windowEnd,
        Delivered = delivered,
        LogFileCount = files,
        LatestDeliveryTime = latest,
        Waited = waited,
        HomeRegion = trail.HomeRegion,
        CoveringLogFile = key,
    };
}
