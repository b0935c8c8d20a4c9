using System.Globalization;
using System.Text.RegularExpressions;
using LeastPriv.Core.Aws;

namespace LeastPriv.Core.Policy.Lint;

/// <summary>
/// IAM Access Analyzer policy validation (ValidatePolicy,
/// https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ValidatePolicy.html),
/// with its findings turned into <see cref="LPPolicyFinding"/> rows like the local checks.
/// </summary>
public static class PolicyRemoteValidation
{
    // Access Analyzer names object members with "value" path elements (rendered ="Statement" by the
    // client) and condition keys with "key" elements (rendered .Key): both become .Name here.
    private static readonly Regex ValueElement = new("\\.?=\"([^\"]*)\"", RegexOptions.CultureInvariant);

    private static readonly Regex StatementIndex = new(@"^Statement\[(\d+)\]", RegexOptions.CultureInvariant);

    public static async Task<IReadOnlyList<LPPolicyFinding>> ValidateAsync(IAccessAnalyzerApi api, PolicyDocument document, CancellationToken cancellationToken)
    {
        if (api is null)
        {
            throw new ArgumentNullException(nameof(api));
        }

        if (document is null)
        {
            throw new ArgumentNullException(nameof(document));
        }

        var findings = await api.ValidatePolicyAsync(
            new AccessAnalyzerValidatePolicyRequest { PolicyDocument = document.ToJson(), PolicyType = "IDENTITY_POLICY" },
            cancellationToken).ConfigureAwait(false);
        return findings.Select(f => Map(f, document)).ToList();
    }

    /// <summary><c>="Statement"[0]="Action"[1]</c> or <c>Statement[0].Action[1]</c> -> <c>Statement[0].Action[1]</c>.</summary>
    internal static string JsonPath(string location) =>
        ValueElement.Replace(location, m => "." + m.Groups[1].Value).TrimStart('.');

    /// <summary>ERROR -> Error; SECURITY_WARNING and WARNING -> Warning; SUGGESTION -> Suggestion.</summary>
    public static LPPolicyFinding Map(AccessAnalyzerFinding finding, PolicyDocument document)
    {
        var location = JsonPath(finding.Locations.FirstOrDefault()?.Path ?? string.Empty);
        var statement = string.Empty;
        var match = StatementIndex.Match(location);
        if (match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            statement = index < document.Statements.Count && document.Statements[index].Sid is { } sid
                ? sid
                : "#" + index.ToString(CultureInfo.InvariantCulture);
        }

        return new LPPolicyFinding
        {
            Severity = finding.FindingType switch
            {
                "ERROR" => LPFindingSeverity.Error,
                "SUGGESTION" => LPFindingSeverity.Suggestion,
                _ => LPFindingSeverity.Warning,
            },
            Code = finding.IssueCode,
            Message = finding.FindingType == "SECURITY_WARNING" ? "Security warning: " + finding.FindingDetails : finding.FindingDetails,
            Statement = statement,
            Path = location.Length == 0 ? "$" : "$." + location,
            Source = "AccessAnalyzer",
            LearnMoreLink = finding.LearnMoreLink,
        };
    }
}
