using System.Management.Automation;
using LeastPriv.Commands.Base;
using LeastPriv.Core.Discovery;

namespace LeastPriv.Commands;

/// <summary>
/// Creates the dedicated CloudTrail trail of a discovery session: its S3 bucket, the service role
/// IAM Access Analyzer reads it with, the event selectors, and starts logging.
/// </summary>
[Cmdlet(VerbsCommon.New, "LPDiscoveryTrail", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = AllRegionsSet)]
[OutputType(typeof(LPDiscoveryTrail))]
public sealed class NewLPDiscoveryTrailCommand : LPAwsCmdlet
{
    private const string AllRegionsSet = "AllRegions";
    private const string RegionsSet = "Regions";

    /// <summary>The session (bound from LPDiscoveryUser / LPDiscoveryRole by property name).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string SessionId { get; set; } = string.Empty;

    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? TrailName { get; set; }

    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? BucketName { get; set; }

    /// <summary>
    /// The regions to record. One: a single-region trail there. Several: a multi-region trail
    /// (CloudTrail has no other kind that spans regions) whose recorded regions bound generation;
    /// the first is the home region. Not bound from the pipeline: a piped user's Region is where
    /// it was created, not a trail scope. Hides the common -Region (the home region is the first).
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = RegionsSet)]
    [Alias("RegionToCall")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AwsRegionCompleter))]
    public new string[]? Region { get; set; }

    /// <summary>A multi-region trail over every region (the default).</summary>
    [Parameter(ParameterSetName = AllRegionsSet)]
    public SwitchParameter AllRegions { get; set; }

    [Parameter]
    [ValidateSet("S3", "Lambda", "DynamoDB", IgnoreCase = true)]
    public string[] IncludeDataEvents { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        var request = new DiscoveryTrailRequest
        {
            SessionId = SessionId,
            TrailName = TrailName,
            BucketName = BucketName,
            Regions = (Region ?? Array.Empty<string>()).ToList(),
            AllRegions = AllRegions.IsPresent,
            DataEvents = IncludeDataEvents.ToList(),
        };
        RunAsync(async (reporter, ct) =>
        {
            var store = SessionStore.Default();
            var manifest = DiscoveryTrailProvisioner.LoadSession(store, request);

            // The first listed region is the home region: every call goes there.
            base.Region = request.Regions.FirstOrDefault();
            var context = GetAwsContext(reporter);
            if (context.Region is null && manifest.Region is not null)
            {
                reporter.Debug($"AWS region: {manifest.Region} (the session's region).");
                context = context.WithRegion(manifest.Region);
            }

            var provisioner = new DiscoveryTrailProvisioner(context, context.CreateIamClient(), store, reporter);
            var trail = await provisioner.CreateAsync(request, manifest, ct).ConfigureAwait(false);
            if (trail is not null)
            {
                Emit(trail);
            }
        });
    }
}
