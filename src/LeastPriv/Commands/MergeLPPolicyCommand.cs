using System.Management.Automation;
using LeastPriv.Core;
using LeastPriv.Core.Policy;
using LeastPriv.Core.Policy.Merge;

namespace LeastPriv.Commands;

/// <summary>
/// Merges several policies (piped or given with -Policy) into one that grants exactly their
/// union, never a pair of action and resource that no input granted.
/// </summary>
[Cmdlet(VerbsData.Merge, "LPPolicy")]
[OutputType(typeof(LPGeneratedPolicy))]
public sealed class MergeLPPolicyCommand : Base.LPCmdlet
{
    private readonly List<LPPolicyInput> _inputs = new();
    private readonly List<PolicyDocument> _documents = new();

    /// <summary>Generated policies, policy documents, JSON text or JSON files.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("InputObject")]
    [ValidateNotNull]
    public LPPolicyInput[] Policy { get; set; } = Array.Empty<LPPolicyInput>();

    protected override void ProcessRecord()
    {
        foreach (var input in Policy)
        {
            if (input is null)
            {
                continue;
            }

            // A policy that cannot be read stops the merge: merging the others would silently
            // give a smaller policy than asked for.
            _documents.Add(Resolve(input));
            _inputs.Add(input);
        }
    }

    protected override void EndProcessing()
    {
        var (policy, merge) = MergedGeneratedPolicy.Merge(_inputs, _documents);
        WriteVerbose($"Merged {_inputs.Count} policies into {policy.PolicyDocument.Statements.Count} statements ({policy.PolicySize:N0} characters).");
        var output = PSObject.AsPSObject(policy);

        // Which input granted which action; on the object so it travels down the pipeline.
        output.Properties.Add(new PSNoteProperty("Provenance", merge.Provenance));
        WriteObject(output);
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
