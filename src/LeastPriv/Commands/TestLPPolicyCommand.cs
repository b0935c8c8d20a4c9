using System.Management.Automation;
using LeastPriv.Core;
using LeastPriv.Core.Policy.Lint;

namespace LeastPriv.Commands;

/// <summary>
/// Checks policies without running anything: the local checks (catalog, ARNs, wildcards, size)
/// and, with -Remote, IAM Access Analyzer's policy validation.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "LPPolicy", DefaultParameterSetName = StaticSet)]
[OutputType(typeof(LPPolicyFinding), ParameterSetName = new[] { StaticSet })]
public sealed class TestLPPolicyCommand : Base.LPAwsCmdlet
{
    private const string StaticSet = "Static";

    /// <summary>Generated policies, policy documents, JSON text or JSON files.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = StaticSet)]
    [Alias("InputObject")]
    [ValidateNotNull]
    public LPPolicyInput[] Policy { get; set; } = Array.Empty<LPPolicyInput>();

    /// <summary>Where the policy will be stored, which sets the size limit checked.</summary>
    [Parameter(ParameterSetName = StaticSet)]
    public LPPolicyTarget Target { get; set; } = LPPolicyTarget.Managed;

    /// <summary>Also run IAM Access Analyzer ValidatePolicy (an AWS call; uses the AWS parameters).</summary>
    [Parameter(ParameterSetName = StaticSet)]
    public SwitchParameter Remote { get; set; }

    protected override void ProcessRecord()
    {
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
}
