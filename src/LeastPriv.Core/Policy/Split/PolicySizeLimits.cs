namespace LeastPriv.Core.Policy.Split;

/// <summary>IAM's size quotas for policies, from https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html.</summary>
public static class PolicySizeLimits
{
    public const int Managed = 6144;
    public const int UserInline = 2048;
    public const int RoleInline = 10240;
    public const int GroupInline = 5120;

    /// <summary>Managed policies attached to one user or role by default (adjustable to 20).</summary>
    public const int ManagedPoliciesPerPrincipal = 10;

    public static int For(LPPolicyTarget target) => target switch
    {
        LPPolicyTarget.Managed => Managed,
        LPPolicyTarget.UserInline => UserInline,
        LPPolicyTarget.RoleInline => RoleInline,
        LPPolicyTarget.GroupInline => GroupInline,
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown policy target."),
    };
}
