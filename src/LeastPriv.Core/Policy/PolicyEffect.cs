namespace LeastPriv.Core.Policy;

/// <summary>The <c>Effect</c> of a statement. IAM accepts exactly "Allow" or "Deny" (case-sensitive).</summary>
public enum PolicyEffect
{
    Allow,
    Deny,
}
