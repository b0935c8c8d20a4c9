using System.Management.Automation;
using LeastPriv.Commands.Base;
using LeastPriv.Core.CloudTrail;
using LeastPriv.Core.Discovery;
using LeastPriv.Core.Generation;

namespace LeastPriv.Commands;

/// <summary>
/// The generated policy of a finished IAM Access Analyzer job, or with -Local the local
/// generator's policy over the session trail's delivered logs for its capture windows.
/// </summary>
[Cmdlet(VerbsCommon.Get, "LPGeneratedPolicy", DefaultParameterSetName = AccessAnalyzerSet)]
[OutputType(typeof(LPGeneratedPolicy))]
public sealed class GetLPGeneratedPolicyCommand : LPAwsCmdlet
{
    private const string AccessAnalyzerSet = "AccessAnalyzer";
    private const string LocalSet = "Local";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = AccessAnalyzerSet)]
    [ValidateNotNullOrEmpty]
    public string JobId { get; set; } = string.Empty;

    /// <summary>Generate locally from the session trail's delivered logs instead of asking Access Analyzer.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LocalSet)]
    public SwitchParameter Local { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LocalSet)]
    [ValidateNotNullOrEmpty]
    public string SessionId { get; set; } = string.Empty;

    /// <summary>The principal whose calls are read; the session's principal by default.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = LocalSet)]
    [ValidateNotNullOrEmpty]
    public string? PrincipalArn { get; set; }

    [Parameter(ParameterSetName = LocalSet)]
    public DateTime? StartTime { get; set; }

    [Parameter(ParameterSetName = LocalSet)]
    public DateTime? EndTime { get; set; }

    /// <summary>How far -Local scopes Resource elements (Observed: the ARNs the calls touched).</summary>
    [Parameter(ParameterSetName = LocalSet)]
    public ResourceScope ResourceScope { get; set; } = ResourceScope.Observed;

    [Parameter(ParameterSetName = AccessAnalyzerSet)]
    public SwitchParameter IncludeResourcePlaceholders { get; set; }

    [Parameter(ParameterSetName = AccessAnalyzerSet)]
    public SwitchParameter IncludeServiceLevelTemplate { get; set; }

    [Parameter]
    [ValidateSet("Region", "Account")]
    public string[] Generalize { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        var generalize = LocalPolicyGeneratorOptions.ParseGeneralization(Generalize);
        if (ParameterSetName == AccessAnalyzerSet)
        {
            RunAsync(async (reporter, ct) =>
            {
                PolicyGenerationRange.JobId(JobId);
                var jobs = new PolicyGenerationJobs(GetAwsContext(reporter).CreateAccessAnalyzerClient(), reporter, SessionStore.Default());
                Emit(await jobs.GetPolicyAsync(JobId, IncludeResourcePlaceholders.IsPresent, IncludeServiceLevelTemplate.IsPresent, generalize, ct).ConfigureAwait(false));
            });
            return;
        }

        RunAsync(async (reporter, ct) =>
        {
            // An explicit range is checked before the session is read or AWS is called.
            if (StartTime is not null && EndTime is not null)
            {
                PolicyGenerationRange.Validate(ToUtc(StartTime.Value), ToUtc(EndTime.Value));
            }

            var manifest = SessionStore.Default().Load(SessionId);
            var trail = TrailDeliveryWaiter.RequireTrail(manifest);
            var principal = PolicyGenerationRange.PrincipalArn(PrincipalArn ?? manifest.PrincipalArn);
            var now = DateTimeOffset.UtcNow;
            var windows = StartTime is null && EndTime is null
                ? TrailPolicyGeneration.WindowsOf(manifest, now)
                : new[] { PolicyGenerationRange.Resolve(StartTime is null ? null : ToUtc(StartTime.Value), EndTime is null ? null : ToUtc(EndTime.Value), manifest.Windows, now) };
            var location = TrailDeliveryWaiter.LocationOf(manifest, trail);
            var options = new LocalPolicyGeneratorOptions { ResourceScope = ResourceScope, Generalize = generalize };
            using var s3 = GetAwsContext(reporter).CreateS3Client();
            Emit(await TrailPolicyGeneration.FromTrailAsync(new TrailLogBucket(s3), location, principal, windows, options, reporter, ct).ConfigureAwait(false));
        });
    }
}
