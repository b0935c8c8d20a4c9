using System.Management.Automation;
using LeastPriv.Commands.Base;
using LeastPriv.Core;
using LeastPriv.Core.CloudTrail;
using LeastPriv.Core.Discovery;

namespace LeastPriv.Commands;

/// <summary>Waits, with progress, until the session's trail has delivered the log files that cover its capture windows.</summary>
[Cmdlet(VerbsLifecycle.Wait, "LPCloudTrailDelivery")]
[OutputType(typeof(LPDeliveryStatus))]
public sealed class WaitLPCloudTrailDeliveryCommand : LPAwsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string SessionId { get; set; } = string.Empty;

    /// <summary>
    /// Seconds to wait before giving up with CloudTrailDeliveryTimeout; outside 1 to 86400 it is
    /// refused with CloudTrailDeliveryTimeoutInvalid before any call.
    /// </summary>
    [Parameter]
    public int Timeout { get; set; } = 900;

    /// <summary>Seconds between the first polls (the interval then grows up to 30 seconds).</summary>
    [Parameter]
    [ValidateRange(1, 300)]
    public int PollInterval { get; set; } = 5;

    protected override void ProcessRecord()
    {
        var regionGiven = MyInvocation.BoundParameters.ContainsKey(nameof(Region));
        RunAsync(async (reporter, ct) =>
        {
            if (Timeout is < 1 or > 86400)
            {
                throw new LeastPrivException(
                    "CloudTrailDeliveryTimeoutInvalid",
                    LPErrorCategory.InvalidArgument,
                    $"-Timeout {Timeout} is not a number of seconds from 1 to 86400.",
                    Timeout);
            }

            var manifest = SessionStore.Default().Load(SessionId);
            var trail = TrailDeliveryWaiter.RequireTrail(manifest);

            // GetTrailStatus of a single-region trail must be asked in its home region.
            if (!regionGiven && !string.IsNullOrEmpty(trail.HomeRegion))
            {
                Region = trail.HomeRegion;
            }

            var context = GetAwsContext(reporter);
            using var s3 = context.CreateS3Client();
            var waiter = new TrailDeliveryWaiter(context.CreateCloudTrailClient(), new TrailLogBucket(s3), reporter)
            {
                Poll = new Core.Reporting.PollSchedule { Initial = TimeSpan.FromSeconds(PollInterval), Max = TimeSpan.FromSeconds(Math.Max(PollInterval, 30)) },
            };
            Emit(await waiter.WaitAsync(manifest, TimeSpan.FromSeconds(Timeout), ct).ConfigureAwait(false));
        });
    }
}
