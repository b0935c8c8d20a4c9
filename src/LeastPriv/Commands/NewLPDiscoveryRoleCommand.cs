using System.Collections;
using System.Management.Automation;
using LeastPriv.Commands.Base;
using LeastPriv.Core.Discovery;

namespace LeastPriv.Commands;

/// <summary>Creates the dedicated discovery IAM role of a new session, assumable by one principal.</summary>
[Cmdlet(VerbsCommon.New, "LPDiscoveryRole", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(LPDiscoveryRole))]
public sealed class NewLPDiscoveryRoleCommand : LPAwsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string RoleName { get; set; } = string.Empty;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TrustPrincipal { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string PolicyArn { get; set; } = DiscoveryUserRequest.DefaultPolicyArn;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PermissionsBoundary { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter]
    public int? MaxSessionDuration { get; set; }

    [Parameter]
    public Hashtable? Tag { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var request = new DiscoveryRoleRequest
        {
            RoleName = RoleName,
            TrustPrincipal = TrustPrincipal,
            PolicyArn = PolicyArn,
            PermissionsBoundary = PermissionsBoundary,
            Path = Path,
            MaxSessionDuration = MaxSessionDuration,
            Tags = DiscoveryTagParameter.ToTags(Tag),
            Force = Force.IsPresent,
        };
        RunAsync(async (reporter, ct) =>
        {
            DiscoveryProvisioner.Validate(request);
            var context = GetAwsContext(reporter);
            var provisioner = new DiscoveryProvisioner(context, context.CreateIamClient(), SessionStore.Default(), reporter);
            var role = await provisioner.CreateRoleAsync(request, ct).ConfigureAwait(false);
            if (role is not null)
            {
                Emit(role);
            }
        });
    }
}
