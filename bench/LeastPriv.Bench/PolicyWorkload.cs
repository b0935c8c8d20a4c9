using LeastPriv.Core.CloudTrail;
using LeastPriv.Core.Generation;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Bench;

/// <summary>The measured side: the same engine call <c>ConvertTo-LPPolicy -Path</c> makes.</summary>
internal static class PolicyWorkload
{
    public static string Run(string root, string? user)
    {
        var filter = new CloudTrailFilter { UserName = user is null ? null : new[] { user } };
        var policy = LocalPolicyGeneration.FromFilesAsync(
            new[] { root },
            filter,
            new LocalPolicyGeneratorOptions(),
            NullEngineReporter.Instance,
            CancellationToken.None).GetAwaiter().GetResult();
        return $"{policy.EventCount} events, {policy.MatchedEventCount} matched, {policy.Actions.Length} actions";
    }
}
