using System.Management.Automation;
using LeastPriv.Commands.Base;
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

    /// <summary>Seconds to wait before giving up with CloudTrailDeliveryTimeout.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
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
                Poll = new Core.Generation.PollSchedule { Initial = TimeSpan.FromSeconds(PollInterval), Max = TimeSpan.FromSeconds(Math.Max(PollInterval, 30)) },
            };
            Emit(await waiter.WaitAsync(manifest, TimeSpan.FromSeconds(Timeout), ct).ConfigureAwait(false));
        });
    }
}
