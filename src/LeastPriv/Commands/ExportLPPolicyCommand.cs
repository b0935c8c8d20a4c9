using System.Management.Automation;
using LeastPriv.Core;
using LeastPriv.Core.Policy;
using LeastPriv.Core.Policy.Export;

namespace LeastPriv.Commands;

/// <summary>
/// Writes a policy as files ready to commit: IAM JSON, a CloudFormation template or Terraform
/// configuration, split into several managed policies when it is over IAM's size limit.
/// </summary>
[Cmdlet(VerbsData.Export, "LPPolicy", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportLPPolicyCommand : Base.LPCmdlet
{
    private LPPolicyInput? _input;
    private PolicyDocument? _document;

    /// <summary>The policy: a generated policy, a policy document, JSON text or a JSON file.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [Alias("InputObject")]
    [ValidateNotNull]
    public LPPolicyInput Policy { get; set; } = null!;

    /// <summary>The file to write.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter]
    public LPExportFormat Format { get; set; } = LPExportFormat.Json;

    /// <summary>The IAM policy name written into CloudFormation and Terraform; parts get -part1, -part2...</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PolicyName { get; set; }

    [Parameter]
    public LPPolicyTarget Target { get; set; } = LPPolicyTarget.Managed;

    [Parameter]
    public LPCloudFormationFormat CloudFormationFormat { get; set; } = LPCloudFormationFormat.Yaml;

    [Parameter]
    public LPTerraformStyle TerraformStyle { get; set; } = LPTerraformStyle.JsonEncode;

    /// <summary>Overwrite read-only files and create a missing folder.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Do not overwrite an existing file.</summary>
    [Parameter]
    [Alias("NoOverwrite")]
    public SwitchParameter NoClobber { get; set; }

    protected override void ProcessRecord()
    {
        if (_input is not null)
        {
            var ex = new LeastPrivException(
                "PolicyInputMultiple",
                LPErrorCategory.InvalidArgument,
                "Export-LPPolicy writes one policy to -Path, and more than one was piped.",
                Policy)
            {
                RecommendedAction = "Merge them first ($a, $b | Merge-LPPolicy | Export-LPPolicy -Path ...), or export each to its own path with ForEach-Object.",
            };
            ThrowTerminatingError(ToErrorRecord(ex));
        }

        _input = Policy;
        try
        {
            _document = Policy.Resolve(path => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
        }
        catch (LeastPrivException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex));
        }
    }

    protected override void EndProcessing()
    {
        if (_document is null)
        {
            return;
        }

        var options = new PolicyExportOptions
        {
            Path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path),
            Format = Format,
            PolicyName = PolicyName,
            Target = Target,
            CloudFormationFormat = CloudFormationFormat,
            TerraformStyle = TerraformStyle,
            Force = Force.IsPresent,
            NoClobber = NoClobber.IsPresent,
        };
        var document = _document;
        RunAsync((reporter, ct) =>
        {
            foreach (var file in PolicyExporter.Export(document, options, reporter))
            {
                Emit(file);
            }

            return Task.CompletedTask;
        });
    }
}
