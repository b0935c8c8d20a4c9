namespace LeastPriv;

/// <summary>How much a finding matters, in the order IAM Access Analyzer's policy validation uses.</summary>
public enum LPFindingSeverity
{
    /// <summary>The policy will be rejected or does not do what it says.</summary>
    Error,

    /// <summary>The policy works but grants more than it should, or is fragile.</summary>
    Warning,

    /// <summary>A simplification or hardening that is worth a look.</summary>
    Suggestion,
}

/// <summary>One problem found in a policy, by the local checks or by IAM Access Analyzer (-Remote).</summary>
public sealed class LPPolicyFinding
{
    public LPFindingSeverity Severity { get; set; }

    /// <summary>A stable PascalCase code (<c>UnknownAction</c>), or Access Analyzer's issue code.</summary>
    public string Code { get; set; } = string.Empty;

    public string Message { get; set; } = string.Empty;

    /// <summary>The statement's Sid, or its index as <c>#0</c> when it has none; empty for the whole policy.</summary>
    public string Statement { get; set; } = string.Empty;

    /// <summary>JSON path into the policy as written by LeastPriv (<c>$.Statement[0].Action[2]</c>).</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Which policy the finding is about: its file name, label or source.</summary>
    public string Policy { get; set; } = string.Empty;

    /// <summary><c>Local</c> or <c>AccessAnalyzer</c>.</summary>
    public string Source { get; set; } = "Local";

    /// <summary>Where to read more (Access Analyzer's link, or the IAM documentation).</summary>
    public string? LearnMoreLink { get; set; }

    public override string ToString() => $"{Severity} {Code} {Statement} {Path}: {Message}";
}
