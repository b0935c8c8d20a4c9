using System.Collections;
using System.Management.Automation;
using LeastPriv.Commands.Base;
using LeastPriv.Core.Aws;
using LeastPriv.Core.Discovery;

namespace LeastPriv.Commands;

/// <summary>Creates the dedicated discovery IAM user of a new session, with one access key that is known to authenticate.</summary>
[Cmdlet(VerbsCommon.New, "LPDiscoveryUser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(LPDiscoveryUser))]
public sealed class NewLPDiscoveryUserCommand : LPAwsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string UserName { get; set; } = string.Empty;

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
    public Hashtable? Tag { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var request = new DiscoveryUserRequest
        {
            UserName = UserName,
            PolicyArn = PolicyArn,
            PermissionsBoundary = PermissionsBoundary,
            Path = Path,
            Tags = DiscoveryTagParameter.ToTags(Tag),
            Force = Force.IsPresent,
        };
        RunAsync(async (reporter, ct) =>
        {
            DiscoveryProvisioner.Validate(request);
            var context = GetAwsContext(reporter);
            var provisioner = new DiscoveryProvisioner(context, context.CreateIamClient(), SessionStore.Default(), reporter);
            var user = await provisioner.CreateUserAsync(request, ct).ConfigureAwait(false);
            if (user is not null)
            {
                Emit(user);
            }
        });
    }
}

/// <summary>-Tag @{ key = 'value' } as IAM tags.</summary>
internal static class DiscoveryTagParameter
{
    public static List<AwsTag> ToTags(Hashtable? table)
    {
        var tags = new List<AwsTag>();
        if (table is null)
        {
            return tags;
        }

        foreach (DictionaryEntry e in table)
        {
            var key = e.Key?.ToString() ?? string.Empty;
            var value = e.Value is PSObject ps ? ps.BaseObject?.ToString() : e.Value?.ToString();
            tags.Add(new AwsTag(key, value ?? string.Empty));
        }

        return tags.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
    }
}
