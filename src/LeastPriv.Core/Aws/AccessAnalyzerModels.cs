namespace LeastPriv.Core.Aws;

/// <summary>A trail that policy generation reads (<c>Trail</c> / <c>TrailProperties</c>).</summary>
public sealed class AccessAnalyzerTrail
{
    public string CloudTrailArn { get; set; } = string.Empty;

    public IList<string> Regions { get; set; } = new List<string>();

    public bool? AllRegions { get; set; }
}

/// <summary>StartPolicyGeneration input.</summary>
public sealed class AccessAnalyzerStartPolicyGenerationRequest
{
    /// <summary>The IAM user or role ARN whose activity is analysed.</summary>
    public string PrincipalArn { get; set; } = string.Empty;

    public IList<AccessAnalyzerTrail> Trails { get; set; } = new List<AccessAnalyzerTrail>();

    /// <summary>The service role Access Analyzer assumes to read the trail and its bucket.</summary>
    public string AccessRole { get; set; } = string.Empty;

    public DateTimeOffset StartTime { get; set; }

    /// <summary>Defaults to now on the service side.</summary>
    public DateTimeOffset? EndTime { get; set; }

    /// <summary>Idempotency token; a new GUID when not set (as the AWS SDKs do).</summary>
    public string? ClientToken { get; set; }
}

/// <summary><c>JobDetails</c> / <c>PolicyGeneration</c>.</summary>
public sealed class AccessAnalyzerJob
{
    public string JobId { get; init; } = string.Empty;

    /// <summary>Set by ListPolicyGenerations; null from GetGeneratedPolicy (see the result properties).</summary>
    public string? PrincipalArn { get; init; }

    /// <summary><c>IN_PROGRESS</c>, <c>SUCCEEDED</c>, <c>FAILED</c> or <c>CANCELED</c>.</summary>
    public string Status { get; init; } = string.Empty;

    public DateTimeOffset StartedOn { get; init; }

    public DateTimeOffset? CompletedOn { get; init; }

    /// <summary><c>AUTHORIZATION_ERROR</c>, <c>RESOURCE_NOT_FOUND_ERROR</c>, <c>SERVICE_QUOTA_EXCEEDED_ERROR</c> or <c>SERVICE_ERROR</c>.</summary>
    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }
}

/// <summary>GetGeneratedPolicy answer.</summary>
public sealed class AccessAnalyzerGeneratedPolicy
{
    public AccessAnalyzerJob Job { get; init; } = new();

    public bool? IsComplete { get; init; }

    public string PrincipalArn { get; init; } = string.Empty;

    public IReadOnlyList<AccessAnalyzerTrail> Trails { get; init; } = Array.Empty<AccessAnalyzerTrail>();

    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? EndTime { get; init; }

    /// <summary>Policy documents (JSON text); several when one would exceed 6,144 characters.</summary>
    public IReadOnlyList<string> Policies { get; init; } = Array.Empty<string>();
}

/// <summary>ValidatePolicy input.</summary>
public sealed class AccessAnalyzerValidatePolicyRequest
{
    public string PolicyDocument { get; set; } = string.Empty;

    /// <summary><c>IDENTITY_POLICY</c>, <c>RESOURCE_POLICY</c>, <c>SERVICE_CONTROL_POLICY</c> or <c>RESOURCE_CONTROL_POLICY</c>.</summary>
    public string PolicyType { get; set; } = "IDENTITY_POLICY";

    public string? Locale { get; set; }

    /// <summary>e.g. <c>AWS::S3::Bucket</c>, <c>AWS::IAM::AssumeRolePolicyDocument</c>.</summary>
    public string? ValidatePolicyResourceType { get; set; }
}

/// <summary>One ValidatePolicy finding.</summary>
public sealed class AccessAnalyzerFinding
{
    /// <summary><c>ERROR</c>, <c>SECURITY_WARNING</c>, <c>SUGGESTION</c> or <c>WARNING</c>.</summary>
    public string FindingType { get; init; } = string.Empty;

    public string IssueCode { get; init; } = string.Empty;

    public string FindingDetails { get; init; } = string.Empty;

    public string? LearnMoreLink { get; init; }

    public IReadOnlyList<AccessAnalyzerLocation> Locations { get; init; } = Array.Empty<AccessAnalyzerLocation>();
}

/// <summary>Where a finding is: a JSON path (e.g. <c>Statement[0].Action</c>) and a span.</summary>
public sealed class AccessAnalyzerLocation
{
    /// <summary>The path rendered as text: keys as <c>.Key</c>, indexes as <c>[n]</c>, values as <c>="v"</c>.</summary>
    public string Path { get; init; } = string.Empty;

    public int StartLine { get; init; }

    public int StartColumn { get; init; }

    public int StartOffset { get; init; }

    public int EndLine { get; init; }

    public int EndColumn { get; init; }

    public int EndOffset { get; init; }
}

/// <summary>CheckNoNewAccess / CheckAccessNotGranted answer.</summary>
public sealed class AccessAnalyzerCheckResult
{
    /// <summary><c>PASS</c> or <c>FAIL</c>.</summary>
    public string Result { get; init; } = string.Empty;

    public string? Message { get; init; }

    public IReadOnlyList<AccessAnalyzerReason> Reasons { get; init; } = Array.Empty<AccessAnalyzerReason>();
}

/// <summary>Why a check failed.</summary>
public sealed class AccessAnalyzerReason
{
    public string? Description { get; init; }

    public int? StatementIndex { get; init; }

    public string? StatementId { get; init; }
}
