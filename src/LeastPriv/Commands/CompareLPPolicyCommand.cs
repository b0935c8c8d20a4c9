using System.Management.Automation;
using LeastPriv.Core;
using LeastPriv.Core.Policy;
using LeastPriv.Core.Policy.Diff;

namespace LeastPriv.Commands;

/// <summary>
/// Compares what two policies grant, action by action and resource by resource, with action
/// wildcards expanded against the IAM catalog and resource patterns covering the ARNs they match.
/// </summary>
[Cmdlet(VerbsData.Compare, "LPPolicy")]
[OutputType(typeof(LPPolicyDifference))]
public sealed class CompareLPPolicyCommand : Base.LPCmdlet
{
    private readonly List<PolicyDocument> _difference = new();
    private PolicyDocument? _reference;

    /// <summary>The policy compared against (rows only in it show <c>&lt;=</c>).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public LPPolicyInput Reference { get; set; } = null!;

    /// <summary>The policy compared (rows only in it show <c>=&gt;</c>); several piped policies are compared as one.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [ValidateNotNull]
    public LPPolicyInput[] Difference { get; set; } = Array.Empty<LPPolicyInput>();

    /// <summary>Also list the grants both policies have, with <c>==</c>.</summary>
    [Parameter]
    public SwitchParameter IncludeEqual { get; set; }

    protected override void BeginProcessing() => _reference = Resolve(Reference);

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
