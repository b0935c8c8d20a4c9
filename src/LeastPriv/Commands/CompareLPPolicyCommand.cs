using System.Management.Automation;
using LeastPriv.Core;
using LeastPriv.Core.Policy;
using LeastPriv.Core.Policy.Diff;

namespace LeastPriv.Commands;

/// <summary>
/// Compares what two policies grant, action by action and resource by resource, with action
/// wildcards expanded against the IAM catalog and resource patterns covering the ARNs they match.
/// With -PrincipalArn the other side is what an IAM user or role is granted now in AWS.
/// </summary>
[Cmdlet(VerbsData.Compare, "LPPolicy", DefaultParameterSetName = PolicySet)]
[OutputType(typeof(LPPolicyDifference))]
public sealed class CompareLPPolicyCommand : Base.LPAwsCmdlet
{
    private const string PolicySet = "Policy";
    private const string PrincipalSet = "Principal";

    private readonly List<PolicyDocument> _difference = new();
    private PolicyDocument? _reference;

    /// <summary>The policy compared against (rows only in it show <c>&lt;=</c>).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public LPPolicyInput Reference { get; set; } = null!;

    /// <summary>The policy compared (rows only in it show <c>=&gt;</c>); several piped policies are compared as one.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ParameterSetName = PolicySet)]
    [ValidateNotNull]
    public LPPolicyInput[] Difference { get; set; } = Array.Empty<LPPolicyInput>();

    /// <summary>
    /// An IAM user or role whose identity policies in force now (inline, attached managed at their
    /// default version, and for a user its groups' policies) are the compared side: rows with
    /// <c>=&gt;</c> are granted to it but not in the reference.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = PrincipalSet)]
    [ValidateNotNullOrEmpty]
    public string PrincipalArn { get; set; } = null!;

    /// <summary>Also list the grants both policies have, with <c>==</c>.</summary>
    [Parameter]
    public SwitchParameter IncludeEqual { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        _reference = Resolve(Reference);
        if (ParameterSetName == PrincipalSet)
        {
            // Checked here so a bad ARN fails before credentials are resolved or AWS is called.
            try
            {
                EffectivePolicyReader.ParsePrincipalArn(PrincipalArn);
            }
            catch (LeastPrivException ex)
            {
                ThrowTerminatingError(ToErrorRecord(ex));
            }
        }
    }

    protected override void ProcessRecord()
    {
        foreach (var input in Difference)
        {
            if (input is not null)
            {
                _difference.Add(Resolve(input));
            }
        }
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == PrincipalSet)
        {
            // The AWS context is resolved only here, so the offline comparison never needs credentials.
            RunAsync(async (reporter, ct) =>
            {
                var iam = GetAwsContext(reporter).CreateIamClient();
                var effective = await EffectivePolicyReader.ReadAsync(iam, PrincipalArn, reporter, ct).ConfigureAwait(false);
                foreach (var row in PolicyDifference.Compare(new[] { _reference! }, effective.Select(p => p.Document), IncludeEqual.IsPresent))
                {
                    Emit(row);
                }
            });
            return;
        }

        foreach (var row in PolicyDifference.Compare(new[] { _reference! }, _difference, IncludeEqual.IsPresent))
        {
            WriteObject(row);
        }
    }

    private PolicyDocument Resolve(LPPolicyInput input)
    {
        try
        {
            return input.Resolve(path => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
        }
        catch (LeastPrivException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex));
            throw;
        }
    }
}
