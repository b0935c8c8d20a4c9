using System.Management.Automation;
using LeastPriv.Commands.Base;
using LeastPriv.Core.Discovery;
using LeastPriv.Core.Generation;

namespace LeastPriv.Commands;

/// <summary>Cancels a running policy generation job.</summary>
[Cmdlet(VerbsLifecycle.Stop, "LPPolicyGeneration", SupportsShouldProcess = true)]
[OutputType(typeof(LPPolicyGenerationJob))]
public sealed class StopLPPolicyGenerationCommand : LPAwsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string JobId { get; set; } = string.Empty;

    /// <summary>The session whose manifest records the job's outcome.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? SessionId { get; set; }

    protected override void ProcessRecord()
    {
        var sessionId = string.IsNullOrEmpty(SessionId) ? null : SessionId;
        RunAsync(async (reporter, ct) =>
        {
            PolicyGenerationRange.JobId(JobId);
            var jobs = new PolicyGenerationJobs(GetAwsContext(reporter).CreateAccessAnalyzerClient(), reporter, SessionStore.Default());
            var job = await jobs.StopAsync(JobId, sessionId, ct).ConfigureAwait(false);
            if (job is not null)
            {
                Emit(job);
            }
        });
    }
}
