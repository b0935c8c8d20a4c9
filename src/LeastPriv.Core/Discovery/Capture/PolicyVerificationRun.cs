using LeastPriv.Core.Aws;
using LeastPriv.Core.Catalog;
using LeastPriv.Core.Policy;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Core.Discovery.Capture;

/// <summary>
/// The AWS side of a verification run (Test-LPPolicy -ScriptBlock): a temporary user that holds
/// only the policy, in a session of its own (so a crash leaves it cleanable with
/// Remove-LPDiscoveryResources), the denied calls after the workload ran as it, and its removal.
/// The workload itself runs in between, on the caller's side.
/// </summary>
public sealed class PolicyVerificationRun
{
    private readonly AwsContext _context;
    private readonly SessionStore _store;

    public PolicyVerificationRun(AwsContext context, SessionStore store)
    {
        _context = context;
        _store = store;
    }

    /// <summary>The temporary user's session, once its manifest exists.</summary>
    public SessionManifest? Session { get; private set; }

    /// <summary>The temporary user, once it exists and its key authenticates.</summary>
    public LPDiscoveryUser? Principal { get; private set; }

    /// <summary>A user name no one else has: <c>lp-verify-</c> and 12 random hex digits.</summary>
    public static string NewUserName() => "lp-verify-" + Guid.NewGuid().ToString("N").Substring(0, 12);

    /// <summary>Creates the temporary user with the policy and waits until its key authenticates.</summary>
    public async Task<LPDiscoveryUser> ProvisionAsync(PolicyDocument policy, TimeSpan keyPropagationTimeout, IEngineReporter reporter, CancellationToken cancellationToken)
    {
        var provisioner = new DiscoveryProvisioner(_context, _context.CreateIamClient(), _store, reporter);
        Principal = await provisioner.CreateVerificationUserAsync(NewUserName(), policy, m => Session = m, keyPropagationTimeout, cancellationToken).ConfigureAwait(false);
        return Principal;
    }

    /// <summary>The calls denied during the window, from the workload's messages and from CloudTrail.</summary>
    public async Task<(IReadOnlyList<LPDeniedCall> Denied, IReadOnlyList<string> Unattributed, string? IncompleteReason)> CollectDeniedAsync(
        LPCaptureWindow window,
        IEnumerable<string> workloadMessages,
        IEngineReporter reporter,
        CancellationToken cancellationToken)
    {
        var set = new DeniedCallSet();
        var unattributed = new List<string>();
        string? incomplete = null;
        DeniedCallCollector.FromMessages(workloadMessages, set, unattributed);
        if (Principal is not null)
        {
            try
            {
                await DeniedCallCollector.FromCloudTrailAsync(
                    _context.CreateCloudTrailClient(),
                    Principal.AccessKeyId,
                    window.StartTime,
                    window.EndTime,
                    EventActionMapper.Default,
                    set,
                    unattributed,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (LeastPrivException ex)
            {
                // The workload's own errors still count; say that CloudTrail could not be asked.
                incomplete = $"CloudTrail LookupEvents could not be read ({ex.ErrorId}: {ex.Message}); only the workload's own errors were checked for denied calls.";
                reporter.Warning(incomplete);
            }
        }

        return (set.Calls, unattributed, incomplete);
    }

    /// <summary>
    /// Deletes everything the run created (key, policies, user), without prompting: the run owns
    /// them. True when nothing is left.
    /// </summary>
    public async Task<bool> CleanupAsync(IEngineReporter reporter, CancellationToken cancellationToken)
    {
        if (Session is null)
        {
            return true;
        }

        var manifest = Session;
        var cleanup = new DiscoveryCleanup(_context.CreateIamClient(), _store, new ApprovingReporter(reporter));
        var results = await cleanup.RemoveAsync(manifest, new DiscoveryCleanupOptions { TagSweep = false }, null, cancellationToken).ConfigureAwait(false);
        var failed = results.Where(r => r.Action == LPCleanupAction.Failed).ToList();
        foreach (var r in failed)
        {
            reporter.Warning($"The verification run could not delete {r.ResourceType} {r.Name}: {r.Error}. Remove it with Remove-LPDiscoveryResources -SessionId {manifest.SessionId}.");
        }

        return failed.Count == 0 && manifest.Resources.All(r => r.IsGone);
    }

    /// <summary>The outcome: passed when the workload succeeded and nothing was denied.</summary>
    public static LPPolicyVerification Result(LPCaptureWindow window, IReadOnlyList<LPDeniedCall> denied, IReadOnlyList<string> unattributed, string? incompleteReason, string? principalArn, string? sessionId, bool cleanedUp)
        => new()
        {
            Passed = window.Succeeded && denied.Count == 0 && unattributed.Count == 0 && incompleteReason is null,
            IsComplete = incompleteReason is null,
            IncompleteReason = incompleteReason,
            DeniedActions = denied.Select(d => d.Action).OrderBy(a => a, StringComparer.OrdinalIgnoreCase).ToList(),
            DeniedCalls = denied,
            UnattributedDenials = unattributed,
            PrincipalArn = principalArn,
            SessionId = sessionId,
            Window = window,
            CleanedUp = cleanedUp,
        };

    /// <summary>Passes everything through but answers yes to ShouldProcess (the run deletes only what it created).</summary>
    private sealed class ApprovingReporter : IEngineReporter
    {
        private readonly IEngineReporter _inner;

        public ApprovingReporter(IEngineReporter inner)
        {
            _inner = inner;
        }

        public void Progress(ProgressReport report) => _inner.Progress(report);

        public void Warning(string message) => _inner.Warning(message);

        public void Verbose(string message) => _inner.Verbose(message);

        public void Debug(string message) => _inner.Debug(message);

        public void Error(LeastPrivException error) => _inner.Warning(error.Message);

        public bool ShouldProcess(string target, string action) => true;
    }
}
