namespace LeastPriv.Core.Aws;

/// <summary>
/// The IAM Access Analyzer operations LeastPriv uses (aws-wire.md §5), behind an interface so
/// the official AWSSDK.AccessAnalyzer client can replace the small one later.
/// </summary>
public interface IAccessAnalyzerApi
{
    /// <summary>Starts a policy generation job and returns its id.</summary>
    Task<string> StartPolicyGenerationAsync(AccessAnalyzerStartPolicyGenerationRequest request, CancellationToken cancellationToken = default);

    Task<AccessAnalyzerGeneratedPolicy> GetGeneratedPolicyAsync(
        string jobId,
        bool? includeResourcePlaceholders = null,
        bool? includeServiceLevelTemplate = null,
        CancellationToken cancellationToken = default);

    /// <summary>Every job of the last seven days (optionally for one principal), all pages.</summary>
    Task<IReadOnlyList<AccessAnalyzerJob>> ListPolicyGenerationsAsync(string? principalArn = null, CancellationToken cancellationToken = default);

    Task CancelPolicyGenerationAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Every finding, all pages.</summary>
    Task<IReadOnlyList<AccessAnalyzerFinding>> ValidatePolicyAsync(AccessAnalyzerValidatePolicyRequest request, CancellationToken cancellationToken = default);

    Task<AccessAnalyzerCheckResult> CheckNoNewAccessAsync(string newPolicyDocument, string existingPolicyDocument, string policyType, CancellationToken cancellationToken = default);

    /// <summary>Checks that the policy grants none of <paramref name="actions"/> (on <paramref name="resources"/>); one access entry, as the API allows.</summary>
    Task<AccessAnalyzerCheckResult> CheckAccessNotGrantedAsync(
        string policyDocument,
        IEnumerable<string>? actions,
        IEnumerable<string>? resources,
        string policyType,
        CancellationToken cancellationToken = default);
}
