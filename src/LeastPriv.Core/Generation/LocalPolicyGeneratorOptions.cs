namespace LeastPriv.Core.Generation;

/// <summary>How far the generator scopes Resource elements.</summary>
public enum ResourceScope
{
    /// <summary>Every action on <c>*</c> (what Access Analyzer produces without placeholders).</summary>
    Any,

    /// <summary>The ARNs the calls touched, on the actions whose resource types match them; <c>*</c> otherwise.</summary>
    Observed,

    /// <summary>Observed ARNs with generated parts (CloudFormation/CDK suffixes, timestamps, GUIDs, object keys) replaced by wildcards.</summary>
    Pattern,
}

/// <summary>ARN parts turned into <c>*</c> so one policy fits several regions or accounts.</summary>
[Flags]
public enum PolicyGeneralization
{
    None = 0,
    Region = 1,
    Account = 2,
}

public sealed class LocalPolicyGeneratorOptions
{
    /// <summary>The flags named by <c>-Generalize Region,Account</c>.</summary>
    public static PolicyGeneralization ParseGeneralization(IEnumerable<string>? parts)
    {
        var generalize = PolicyGeneralization.None;
        foreach (var part in parts ?? Array.Empty<string>())
        {
            generalize |= (PolicyGeneralization)Enum.Parse(typeof(PolicyGeneralization), part, ignoreCase: true);
        }

        return generalize;
    }

    public ResourceScope ResourceScope { get; set; } = ResourceScope.Any;

    public PolicyGeneralization Generalize { get; set; } = PolicyGeneralization.None;

    /// <summary>Grant the actions of calls that were refused (AccessDenied...). Off by default.</summary>
    public bool IncludeDenied { get; set; }

    /// <summary>Add the catalog's dependent actions of every granted action. Off by default: it can widen a policy a lot.</summary>
    public bool IncludeDependentActions { get; set; }

    /// <summary>Infer iam:PassRole on the role ARNs found in requests. On by default: CloudTrail never records PassRole.</summary>
    public bool InferPassRole { get; set; } = true;
}
