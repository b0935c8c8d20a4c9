using System.Management.Automation;
using LeastPriv.Commands.Base;
using LeastPriv.Core;
using LeastPriv.Core.Discovery;
using LeastPriv.Core.Generation;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Commands;

/// <summary>Polls a policy generation job, with back-off and progress, until it succeeds, fails or is canceled.</summary>
[Cmdlet(VerbsLifecycle.Wait, "LPPolicyGeneration")]
[OutputType(typeof(LPPolicyGenerationJob))]
public sealed class WaitLPPolicyGenerationCommand : LPAwsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string JobId { get; set; } = string.Empty;

    /// <summary>The session whose manifest records the job's outcome.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? SessionId { get; set; }

    /// <summary>Seconds to wait before giving up with PolicyGenerationTimeout.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int Timeout { get; set; } = 1800;

    /// <summary>Seconds between the first polls (the interval then grows up to 30 seconds).</summary>
    [Parameter]
    [ValidateRange(1, 300)]
    public int PollInterval { get; set; } = 2;

    protected override void ProcessRecord()
    {
        var sessionId = string.IsNullOrEmpty(SessionId) ? null : SessionId;
        RunAsync(async (reporter, ct) =>
        {
            PolicyGenerationRange.JobId(JobId);
            var jobs = new PolicyGenerationJobs(GetAwsContext(reporter).CreateAccessAnalyzerClient(), reporter, SessionStore.Default())
            {
                Poll = new PollSchedule { Initial = TimeSpan.FromSeconds(PollInterval), Max = TimeSpan.FromSeconds(Math.Max(PollInterval, 30)) },
            };
            try
            {
                Emit(await jobs.WaitAsync(JobId, sessionId, TimeSpan.FromSeconds(Timeout), ct).ConfigureAwait(false));
            }
            catch (LeastPrivException ex) when (ex.ErrorId == "PolicyGenerationFailed")
            {
                // One failed job does not stop the next piped job from being waited for.
                reporter.Error(ex);
            }
        });
    }
}
