using System.Management.Automation;
using LeastPriv.Commands.Base;
using LeastPriv.Core.Discovery;

namespace LeastPriv.Commands;

/// <summary>Lists the local discovery session manifests and, with -Refresh, what each still owns in AWS.</summary>
[Cmdlet(VerbsCommon.Get, "LPDiscoverySession")]
[OutputType(typeof(LPDiscoverySession))]
public sealed class GetLPDiscoverySessionCommand : LPAwsCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? SessionId { get; set; }

    /// <summary>Ask IAM which of each session's resources still exist.</summary>
    [Parameter]
    public SwitchParameter Refresh { get; set; }

    protected override void ProcessRecord()
    {
        RunAsync(async (reporter, ct) =>
        {
            var store = SessionStore.Default();
            IReadOnlyList<SessionManifest> manifests = SessionId is null
                ? store.List(reporter.Error)
                : SessionId.Select(id => store.Load(id)).ToList();
            var context = Refresh.IsPresent ? GetAwsContext(reporter) : null;
            using var trails = context is null ? null : TrailTeardown.For(context);
            var iam = context?.CreateIamClient();
            foreach (var manifest in manifests)
            {
                var exists = iam is not null
                    ? await DiscoverySessions.RefreshAsync(iam, manifest, ct, trails).ConfigureAwait(false)
                    : null;
                Emit(DiscoverySessions.ToOutput(manifest, store.PathOf(manifest.SessionId), exists));
            }
        });
    }
}
