using System.Management.Automation;
using LeastPriv.Commands.Base;
using LeastPriv.Core.Discovery;

namespace LeastPriv.Commands;

/// <summary>Deletes everything a discovery session created, from its manifest and by tag sweep, one confirmation per resource.</summary>
[Cmdlet(VerbsCommon.Remove, "LPDiscoveryResources", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(LPCleanupResult))]
public sealed class RemoveLPDiscoveryResourcesCommand : LPAwsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] SessionId { get; set; } = Array.Empty<string>();

    /// <summary>
    /// The piped object itself (an LPDiscoveryUser from New-LPDiscoveryUser): once the session's
    /// access keys are deleted, the secret access key it holds is cleared.
    /// </summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>Keep the trail, its bucket and the Access Analyzer service role.</summary>
    [Parameter]
    public SwitchParameter KeepTrail { get; set; }

    /// <summary>Delete without asking for each resource (-WhatIf still only shows).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override bool ConfirmMutation(string target, string action)
    {
        if (Force.IsPresent && !MyInvocation.BoundParameters.ContainsKey("Confirm") && !MyInvocation.BoundParameters.ContainsKey("WhatIf"))
        {
            return true;
        }

        return ShouldProcess(target, action);
    }

    protected override void ProcessRecord()
    {
        RunAsync(async (reporter, ct) =>
        {
            var store = SessionStore.Default();
            var manifests = SessionId.Select(id => store.Load(id)).ToList();
            var context = GetAwsContext(reporter);
            using var trails = TrailTeardown.For(context);
            var cleanup = new DiscoveryCleanup(context.CreateIamClient(), store, reporter, trails);
            foreach (var manifest in manifests)
            {
                await cleanup.RemoveAsync(manifest, new DiscoveryCleanupOptions { KeepTrail = KeepTrail.IsPresent }, Emit, ct).ConfigureAwait(false);
                ClearSecretOf(InputObject, store.Load(manifest.SessionId));
            }
        });
    }

    /// <summary>
    /// A removed key's secret has no use left: the piped user object of that session stops
    /// holding it (the SecureString is disposed and the property becomes null) once no access key of the
    /// session remains.
    /// </summary>
    private static void ClearSecretOf(PSObject? input, SessionManifest manifest)
    {
        if (input?.BaseObject is not LPDiscoveryUser user
            || !string.Equals(user.SessionId, manifest.SessionId, StringComparison.Ordinal)
            || user.SecretAccessKey is null)
        {
            return;
        }

        var keysGone = manifest.State == DiscoverySessionState.Removed
            || manifest.Resources.Where(r => r.Type == DiscoveryResourceType.AccessKey).All(r => r.IsGone);
        if (keysGone)
        {
            user.ClearSecret();
        }
    }
}
