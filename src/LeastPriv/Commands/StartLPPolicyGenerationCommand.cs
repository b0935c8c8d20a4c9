using System.Management.Automation;
using LeastPriv.Commands.Base;
using LeastPriv.Core.Discovery;
using LeastPriv.Core.Generation;

namespace LeastPriv.Commands;

/// <summary>Starts an IAM Access Analyzer policy generation job for a discovery principal over its capture windows.</summary>
[Cmdlet(VerbsLifecycle.Start, "LPPolicyGeneration", SupportsShouldProcess = true)]
[OutputType(typeof(LPPolicyGenerationJob))]
public sealed class StartLPPolicyGenerationCommand : LPAwsCmdlet
{
    /// <summary>The IAM user or role whose activity is analysed.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string PrincipalArn { get; set; } = string.Empty;

    /// <summary>The session whose manifest gives the trail, access role and windows, and records the job.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? SessionId { get; set; }

    /// <summary>An LPDiscoveryTrail (or any object with TrailArn) or a trail ARN.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("TrailArn")]
    [ValidateNotNull]
    public object? Trail { get; set; }

    /// <summary>The service role Access Analyzer reads the trail's bucket with; the session trail's role by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AccessRoleArn { get; set; }

    [Parameter]
    public DateTime? StartTime { get; set; }

    [Parameter]
    public DateTime? EndTime { get; set; }

    /// <summary>The trail regions to analyse; the session trail's regions by default (all regions when it has none).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AwsRegionCompleter))]
    public string[]? TrailRegion { get; set; }

    /// <summary>When a job is already running, wait for it to end and start then.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Seconds -Wait waits for a running job before giving up.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int Timeout { get; set; } = 1800;

    protected override void ProcessRecord()
    {
        RunAsync(async (reporter, ct) =>
        {
            // Everything is checked before AWS is called.
            var store = SessionStore.Default();
            var manifest = SessionId is null ? null : store.Load(SessionId);
            var (trailArn, trailRole) = TrailOf(Trail);
            var start = PolicyGenerationPlanner.Plan(
                PrincipalArn,
                trailArn,
                AccessRoleArn ?? trailRole,
                TrailRegion,
                StartTime is null ? null : ToUtc(StartTime.Value),
                EndTime is null ? null : ToUtc(EndTime.Value),
                manifest,
                DateTimeOffset.UtcNow);
            var regions = start.Regions.Count == 0 ? "all regions" : string.Join(", ", start.Regions);
            if (!reporter.ShouldProcess(
                    $"{start.PrincipalArn} ({start.StartTime.UtcDateTime:u} - {start.EndTime.UtcDateTime:u}, trail {start.TrailArn}, {regions})",
                    "Start IAM Access Analyzer policy generation"))
            {
                return;
            }

            var jobs = new PolicyGenerationJobs(GetAwsContext(reporter).CreateAccessAnalyzerClient(), reporter, store);
            Emit(await jobs.StartAsync(start, Wait.IsPresent, TimeSpan.FromSeconds(Timeout), ct).ConfigureAwait(false));
        });
    }

    private static (string? Arn, string? AccessRole) TrailOf(object? value)
    {
        var item = value is PSObject ps ? ps.BaseObject : value;
        switch (item)
        {
            case null:
                return (null, null);
            case LPDiscoveryTrail trail:
                return (trail.TrailArn, string.IsNullOrEmpty(trail.AccessRoleArn) ? null : trail.AccessRoleArn);
            case string arn:
                return (arn, null);
        }

        var wrapped = value as PSObject ?? PSObject.AsPSObject(item);
        var arnProperty = wrapped.Properties["TrailArn"]?.Value?.ToString();
        var roleProperty = wrapped.Properties["AccessRoleArn"]?.Value?.ToString();
        return (arnProperty ?? item.ToString(), string.IsNullOrEmpty(roleProperty) ? null : roleProperty);
    }
}
