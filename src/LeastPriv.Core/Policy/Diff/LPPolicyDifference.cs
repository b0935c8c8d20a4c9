namespace LeastPriv;

/// <summary>
/// One (action, resource) grant found in only one of two policies (or in both, with
/// -IncludeEqual). <see cref="SideIndicator"/> reads like Compare-Object: <c>&lt;=</c> only in
/// the reference policy, <c>=&gt;</c> only in the difference policy, <c>==</c> in both.
/// </summary>
public sealed class LPPolicyDifference
{
    /// <summary>A catalog action (<c>s3:GetObject</c>); wildcards are expanded, an unknown action is kept as written.</summary>
    public string Action { get; set; } = string.Empty;

    /// <summary>The resource ARN or pattern the action is granted on.</summary>
    public string Resource { get; set; } = string.Empty;

    /// <summary><c>&lt;=</c>, <c>=&gt;</c> or <c>==</c>.</summary>
    public string SideIndicator { get; set; } = string.Empty;

    /// <summary>Service prefix, e.g. <c>s3</c>.</summary>
    public string Service { get; set; } = string.Empty;

    /// <summary>The catalog's access level (List, Read, Write, Tagging, PermissionsManagement); empty when the action is unknown.</summary>
    public string AccessLevel { get; set; } = string.Empty;

    /// <summary>Allow or Deny.</summary>
    public string Effect { get; set; } = "Allow";

    /// <summary>The statement's condition as text (<c>Operator key [values]</c>), empty when unconditional.</summary>
    public string Condition { get; set; } = string.Empty;

    public override string ToString() => $"{SideIndicator} {Effect} {Action} {Resource}";
}
