using System.Management.Automation;
using LeastPriv.Commands.Base;
using LeastPriv.Core;
using LeastPriv.Core.Discovery;
using LeastPriv.Core.Discovery.Capture;
using LeastPriv.Core.Policy.Lint;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Commands;

/// <summary>
/// Checks policies: statically, without running anything (the local checks — catalog, ARNs,
/// wildcards, size — and, with -Remote, IAM Access Analyzer's policy validation); or, with
/// -ScriptBlock, by a verification run: a temporary IAM user that holds only the policy re-runs
/// the workload, every denied call is collected, and the user is deleted.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "LPPolicy", DefaultParameterSetName = StaticSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(LPPolicyFinding), ParameterSetName = new[] { StaticSet })]
[OutputType(typeof(LPPolicyVerification), ParameterSetName = new[] { VerifySet })]
public sealed class TestLPPolicyCommand : Base.LPAwsCmdlet
{
    private const string StaticSet = "Static";
    private const string VerifySet = "Verify";

    /// <summary>Generated policies, policy documents, JSON text or JSON files.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = StaticSet)]
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = VerifySet)]
    [Alias("InputObject")]
    [ValidateNotNull]
    public LPPolicyInput[] Policy { get; set; } = Array.Empty<LPPolicyInput>();

    /// <summary>Where the policy will be stored, which sets the size limit checked.</summary>
    [Parameter(ParameterSetName = StaticSet)]
    public LPPolicyTarget Target { get; set; } = LPPolicyTarget.Managed;

    /// <summary>Also run IAM Access Analyzer ValidatePolicy (an AWS call; uses the AWS parameters).</summary>
    [Parameter(ParameterSetName = StaticSet)]
    public SwitchParameter Remote { get; set; }

    /// <summary>The workload to re-run as a temporary principal that holds only the policy (a verification run).</summary>
    [Parameter(Mandatory = true, ParameterSetName = VerifySet)]
    [ValidateNotNull]
    public ScriptBlock ScriptBlock { get; set; } = null!;

    /// <summary>Arguments for the script block's parameters.</summary>
    [Parameter(ParameterSetName = VerifySet)]
    [Alias("Args")]
    public object[] ArgumentList { get; set; } = Array.Empty<object>();

    /// <summary>The label of the verification run's capture window.</summary>
    [Parameter(ParameterSetName = VerifySet)]
    [ValidateLength(1, 128)]
    public string Label { get; set; } = "verification";

    /// <summary>How long to wait for the temporary user's new access key to authenticate (IAM eventual consistency).</summary>
    [Parameter(ParameterSetName = VerifySet)]
    public TimeSpan KeyPropagationTimeout { get; set; } = TimeSpan.FromMinutes(2);

    protected override void ProcessRecord()
    {
        if (ParameterSetName == VerifySet)
        {
            foreach (var input in Policy)
            {
                if (input is not null)
                {
                    Verify(input);
                }
            }

            return;
        }

        foreach (var input in Policy)
        {
            if (input is null)
            {
                continue;
            }

            Core.Policy.PolicyDocument document;
            try
            {
                document = input.Resolve(path => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
            }
            catch (LeastPrivException ex)
            {
                // One unreadable policy does not stop the others from being checked.
                WriteError(ToErrorRecord(ex));
                continue;
            }

            var label = input.Label;
            foreach (var finding in PolicyLinter.Lint(document, Target))
            {
                finding.Policy = label;
                WriteObject(finding);
            }

            if (Remote.IsPresent)
            {
                RunAsync(async (reporter, ct) =>
                {
                    var api = GetAwsContext(reporter).CreateAccessAnalyzerClient();
                    foreach (var finding in await PolicyRemoteValidation.ValidateAsync(api, document, ct).ConfigureAwait(false))
                    {
                        finding.Policy = label;
                        Emit(finding);
                    }
                });
            }
        }
    }

    private void Verify(LPPolicyInput input)
    {
        Core.Policy.PolicyDocument document;
        try
        {
            document = input.Resolve(path => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
        }
        catch (LeastPrivException ex)
        {
            WriteError(ToErrorRecord(ex));
            return;
        }

        if (!ShouldProcess($"policy {input.Label}", "Create a temporary IAM user holding only this policy, run the workload as it, collect the denied calls, and delete the user"))
        {
            return;
        }

        var store = SessionStore.Default();
        PolicyVerificationRun? run = null;
        Core.Aws.AwsContext? context = null;
        LPPolicyVerification? verification = null;
        var finished = false;
        try
        {
            RunAsync(async (reporter, ct) =>
            {
                context = GetAwsContext(reporter);
                run = new PolicyVerificationRun(context, store);
                await run.ProvisionAsync(document, KeyPropagationTimeout, reporter, ct).ConfigureAwait(false);
            });

            var user = run!.Principal!;
            var credentials = new CaptureCredentials(user.AccessKeyId, WorkloadRunner.Reveal(user.SecretAccessKey!), null, user.Arn);
            LPCaptureWindow window;
            WorkloadResult result;
            try
            {
                (window, result) = WorkloadRunner.Capture(this, credentials, context!.Region, EndpointUrl, store, run.Session!, Label, ScriptBlock, ArgumentList ?? Array.Empty<object>(), passThru: false, writeErrors: false);
            }
            catch (LeastPrivException ex)
            {
                ThrowTerminatingError(ToErrorRecord(ex));
                return;
            }

            var cleaned = false;
            RunAsync(async (reporter, ct) =>
            {
                var (denied, unattributed, incomplete) = await run.CollectDeniedAsync(window, result.ErrorMessages, reporter, ct).ConfigureAwait(false);
                cleaned = await run.CleanupAsync(reporter, CancellationToken.None).ConfigureAwait(false);
                finished = true;
                verification = PolicyVerificationRun.Result(window, denied, unattributed, incomplete, user.Arn, run.Session!.SessionId, cleaned);
                foreach (var call in denied)
                {
                    reporter.Verbose($"Denied: {call.Action} ({call.ErrorCode}) {call.MessageSample}");
                }
            });
        }
        finally
        {
            if (!finished && run is not null)
            {
                // Stopped or failed part-way: delete what was created without going through the
                // pipeline (it may be stopping); a failure here leaves the manifest for cleanup.
                try
                {
                    Task.Run(() => run.CleanupAsync(NullEngineReporter.Instance, CancellationToken.None)).GetAwaiter().GetResult();
                }
                catch (LeastPrivException)
                {
                }
            }
        }

        if (verification is not null)
        {
            WriteObject(verification);
        }
    }
}
