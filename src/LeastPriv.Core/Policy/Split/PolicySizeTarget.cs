namespace LeastPriv;

/// <summary>
/// Where a policy is going to be stored, which decides the IAM size limit it must fit
/// (characters without white space,
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
/// </summary>
public enum LPPolicyTarget
{
    /// <summary>A customer managed policy: 6,144 characters each; 10 attached per user or role by default.</summary>
    Managed,

    /// <summary>Inline policies of a user: 2,048 characters for all of them together.</summary>
    UserInline,

    /// <summary>Inline policies of a role: 10,240 characters for all of them together.</summary>
    RoleInline,

    /// <summary>Inline policies of a group: 5,120 characters for all of them together.</summary>
    GroupInline,
}
