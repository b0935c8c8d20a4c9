namespace LeastPriv.Core.Aws;

/// <summary>
/// The IAM operations LeastPriv uses (aws-wire.md §3.1), behind an interface so the official
/// AWSSDK.IdentityManagement client can replace the small one later. List operations return
/// every page. Errors are <see cref="AwsServiceException"/>.
/// </summary>
public interface IIamApi
{
    Task<IamUser> CreateUserAsync(IamCreateUserRequest request, CancellationToken cancellationToken = default);

    /// <summary>A user; the caller when <paramref name="userName"/> is null.</summary>
    Task<IamUser> GetUserAsync(string? userName, CancellationToken cancellationToken = default);

    Task DeleteUserAsync(string userName, CancellationToken cancellationToken = default);

    Task TagUserAsync(string userName, IEnumerable<AwsTag> tags, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<AwsTag>> ListUserTagsAsync(string userName, CancellationToken cancellationToken = default);

    Task<IamAccessKey> CreateAccessKeyAsync(string? userName, CancellationToken cancellationToken = default);

    Task DeleteAccessKeyAsync(string? userName, string accessKeyId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<IamAccessKeyMetadata>> ListAccessKeysAsync(string? userName, CancellationToken cancellationToken = default);

    Task AttachUserPolicyAsync(string userName, string policyArn, CancellationToken cancellationToken = default);

    Task DetachUserPolicyAsync(string userName, string policyArn, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<IamAttachedPolicy>> ListAttachedUserPoliciesAsync(string userName, string? pathPrefix = null, CancellationToken cancellationToken = default);

    Task PutUserPolicyAsync(string userName, string policyName, string policyDocument, CancellationToken cancellationToken = default);

    Task DeleteUserPolicyAsync(string userName, string policyName, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<string>> ListUserPoliciesAsync(string userName, CancellationToken cancellationToken = default);

    Task PutUserPermissionsBoundaryAsync(string userName, string permissionsBoundaryArn, CancellationToken cancellationToken = default);

    Task DeleteUserPermissionsBoundaryAsync(string userName, CancellationToken cancellationToken = default);

    Task<IamRole> CreateRoleAsync(IamCreateRoleRequest request, CancellationToken cancellationToken = default);

    Task<IamRole> GetRoleAsync(string roleName, CancellationToken cancellationToken = default);

    Task DeleteRoleAsync(string roleName, CancellationToken cancellationToken = default);

    Task TagRoleAsync(string roleName, IEnumerable<AwsTag> tags, CancellationToken cancellationToken = default);

    Task PutRolePolicyAsync(string roleName, string policyName, string policyDocument, CancellationToken cancellationToken = default);

    Task DeleteRolePolicyAsync(string roleName, string policyName, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<string>> ListRolePoliciesAsync(string roleName, CancellationToken cancellationToken = default);

    Task AttachRolePolicyAsync(string roleName, string policyArn, CancellationToken cancellationToken = default);

    Task DetachRolePolicyAsync(string roleName, string policyArn, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<IamAttachedPolicy>> ListAttachedRolePoliciesAsync(string roleName, string? pathPrefix = null, CancellationToken cancellationToken = default);

    /// <summary>Every user under <paramref name="pathPrefix"/> (ListUsers; tags are not included, ask ListUserTags).</summary>
    Task<IReadOnlyList<IamUser>> ListUsersAsync(string? pathPrefix = null, CancellationToken cancellationToken = default);

    /// <summary>Every role under <paramref name="pathPrefix"/> (ListRoles; tags are not included, ask ListRoleTags).</summary>
    Task<IReadOnlyList<IamRole>> ListRolesAsync(string? pathPrefix = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<AwsTag>> ListRoleTagsAsync(string roleName, CancellationToken cancellationToken = default);

    Task<IamPolicy> CreatePolicyAsync(IamCreatePolicyRequest request, CancellationToken cancellationToken = default);

    Task DeletePolicyAsync(string policyArn, CancellationToken cancellationToken = default);

    /// <summary>An inline policy of a user (GetUserPolicy).</summary>
    Task<IamInlinePolicy> GetUserPolicyAsync(string userName, string policyName, CancellationToken cancellationToken = default);

    /// <summary>An inline policy of a role (GetRolePolicy).</summary>
    Task<IamInlinePolicy> GetRolePolicyAsync(string roleName, string policyName, CancellationToken cancellationToken = default);

    /// <summary>A managed policy's metadata, with its DefaultVersionId (GetPolicy).</summary>
    Task<IamPolicy> GetPolicyAsync(string policyArn, CancellationToken cancellationToken = default);

    /// <summary>One version of a managed policy, with its document (GetPolicyVersion).</summary>
    Task<IamPolicyVersion> GetPolicyVersionAsync(string policyArn, string versionId, CancellationToken cancellationToken = default);

    /// <summary>Every group a user is a member of (ListGroupsForUser).</summary>
    Task<IReadOnlyList<IamGroup>> ListGroupsForUserAsync(string userName, CancellationToken cancellationToken = default);

    /// <summary>The names of a group's inline policies (ListGroupPolicies).</summary>
    Task<IReadOnlyList<string>> ListGroupPoliciesAsync(string groupName, CancellationToken cancellationToken = default);

    /// <summary>An inline policy of a group (GetGroupPolicy).</summary>
    Task<IamInlinePolicy> GetGroupPolicyAsync(string groupName, string policyName, CancellationToken cancellationToken = default);

    /// <summary>The managed policies attached to a group (ListAttachedGroupPolicies).</summary>
    Task<IReadOnlyList<IamAttachedPolicy>> ListAttachedGroupPoliciesAsync(string groupName, string? pathPrefix = null, CancellationToken cancellationToken = default);
}
