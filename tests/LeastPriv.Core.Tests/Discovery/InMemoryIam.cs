using LeastPriv.Core.Aws;

namespace LeastPriv.Core.Tests.Discovery;

/// <summary>
/// A narrow in-memory IAM for the cleanup and provisioning unit tests: users, roles, keys,
/// attachments, inline policies and tags, answering NoSuchEntity as IAM does. Every mutating
/// call is recorded in <see cref="Calls"/> in order.
/// </summary>
internal sealed class InMemoryIam : IIamApi
{
    public const string Account = "123456789012";

    public Dictionary<string, Principal> Users { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Principal> Roles { get; } = new(StringComparer.Ordinal);

    public List<string> Calls { get; } = new();

    /// <summary>Operation names (e.g. "DeleteUser") that fail with AccessDenied.</summary>
    public HashSet<string> Denied { get; } = new(StringComparer.Ordinal);

    private int _keys;

    public sealed class Principal
    {
        public string Name { get; init; } = string.Empty;

        public string Arn { get; init; } = string.Empty;

        public string? Boundary { get; set; }

        public List<AwsTag> Tags { get; } = new();

        public List<string> Keys { get; } = new();

        public List<string> Attached { get; } = new();

        public Dictionary<string, string> Inline { get; } = new();
    }

    public Principal AddUser(string name, params AwsTag[] tags)
    {
        var p = new Principal { Name = name, Arn = $"arn:aws:iam::{Account}:user/{name}" };
        p.Tags.AddRange(tags);
        Users[name] = p;
        return p;
    }

    public Principal AddRole(string name, params AwsTag[] tags)
    {
        var p = new Principal { Name = name, Arn = $"arn:aws:iam::{Account}:role/{name}" };
        p.Tags.AddRange(tags);
        Roles[name] = p;
        return p;
    }

    public string AddKey(string user)
    {
        var id = "AKIAFAKE" + (++_keys).ToString("D12", System.Globalization.CultureInfo.InvariantCulture);
        Users[user].Keys.Add(id);
        return id;
    }

    private void Record(string op, string detail)
    {
        if (Denied.Contains(op))
        {
            throw new AwsServiceException(AwsService.Iam, op, "AccessDenied", System.Net.HttpStatusCode.Forbidden, "req", $"not allowed to {op}");
        }

        Calls.Add($"{op} {detail}");
    }

    private static AwsServiceException NoSuch(string op, string what)
        => new(AwsService.Iam, op, "NoSuchEntity", System.Net.HttpStatusCode.NotFound, "req", $"{what} cannot be found.");

    private Principal User(string op, string? name) => name is not null && Users.TryGetValue(name, out var u) ? u : throw NoSuch(op, $"The user with name {name}");

    private Principal Role(string op, string name) => Roles.TryGetValue(name, out var r) ? r : throw NoSuch(op, $"The role with name {name}");

    private static IamUser ToUser(Principal p) => new() { UserName = p.Name, Arn = p.Arn, UserId = "AIDA" + p.Name, PermissionsBoundaryArn = p.Boundary, Tags = p.Tags.ToArray() };

    private static IamRole ToRole(Principal p) => new() { RoleName = p.Name, Arn = p.Arn, RoleId = "AROA" + p.Name, PermissionsBoundaryArn = p.Boundary, Tags = p.Tags.ToArray() };

    public Task<IamUser> CreateUserAsync(IamCreateUserRequest request, CancellationToken cancellationToken = default)
    {
        Record("CreateUser", request.UserName);
        if (Users.ContainsKey(request.UserName))
        {
            throw new AwsServiceException(AwsService.Iam, "CreateUser", "EntityAlreadyExists", System.Net.HttpStatusCode.Conflict, "req", "exists");
        }

        var p = AddUser(request.UserName, request.Tags.ToArray());
        p.Boundary = request.PermissionsBoundary;
        return Task.FromResult(ToUser(p));
    }

    public Task<IamUser> GetUserAsync(string? userName, CancellationToken cancellationToken = default) => Task.FromResult(ToUser(User("GetUser", userName)));

    public Task DeleteUserAsync(string userName, CancellationToken cancellationToken = default)
    {
        Record("DeleteUser", userName);
        var u = User("DeleteUser", userName);
        if (u.Keys.Count > 0 || u.Attached.Count > 0 || u.Inline.Count > 0)
        {
            throw new AwsServiceException(AwsService.Iam, "DeleteUser", "DeleteConflict", System.Net.HttpStatusCode.Conflict, "req", "Cannot delete entity, must delete dependents first.");
        }

        Users.Remove(userName);
        return Task.CompletedTask;
    }

    public Task TagUserAsync(string userName, IEnumerable<AwsTag> tags, CancellationToken cancellationToken = default)
    {
        Record("TagUser", userName);
        User("TagUser", userName).Tags.AddRange(tags);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AwsTag>> ListUserTagsAsync(string userName, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<AwsTag>>(User("ListUserTags", userName).Tags.ToList());

    public Task<IamAccessKey> CreateAccessKeyAsync(string? userName, CancellationToken cancellationToken = default)
    {
        Record("CreateAccessKey", userName ?? string.Empty);
        User("CreateAccessKey", userName);
        var id = AddKey(userName!);
        return Task.FromResult(new IamAccessKey { UserName = userName!, AccessKeyId = id, Status = "Active", SecretAccessKey = "SECRET/" + id + "/wJalrXUtnFEMIK7MDENG" });
    }

    public Task DeleteAccessKeyAsync(string? userName, string accessKeyId, CancellationToken cancellationToken = default)
    {
        Record("DeleteAccessKey", accessKeyId);
        if (!User("DeleteAccessKey", userName).Keys.Remove(accessKeyId))
        {
            throw NoSuch("DeleteAccessKey", $"The Access Key with id {accessKeyId}");
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<IamAccessKeyMetadata>> ListAccessKeysAsync(string? userName, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<IamAccessKeyMetadata>>(User("ListAccessKeys", userName).Keys.Select(k => new IamAccessKeyMetadata { UserName = userName, AccessKeyId = k, Status = "Active" }).ToList());

    public Task AttachUserPolicyAsync(string userName, string policyArn, CancellationToken cancellationToken = default)
    {
        Record("AttachUserPolicy", policyArn);
        User("AttachUserPolicy", userName).Attached.Add(policyArn);
        return Task.CompletedTask;
    }

    public Task DetachUserPolicyAsync(string userName, string policyArn, CancellationToken cancellationToken = default)
    {
        Record("DetachUserPolicy", policyArn);
        if (!User("DetachUserPolicy", userName).Attached.Remove(policyArn))
        {
            throw NoSuch("DetachUserPolicy", $"Policy {policyArn}");
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<IamAttachedPolicy>> ListAttachedUserPoliciesAsync(string userName, string? pathPrefix = null, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<IamAttachedPolicy>>(User("ListAttachedUserPolicies", userName).Attached.Select(a => new IamAttachedPolicy(a.Split('/').Last(), a)).ToList());

    public Task PutUserPolicyAsync(string userName, string policyName, string policyDocument, CancellationToken cancellationToken = default)
    {
        Record("PutUserPolicy", policyName);
        User("PutUserPolicy", userName).Inline[policyName] = policyDocument;
        return Task.CompletedTask;
    }

    public Task DeleteUserPolicyAsync(string userName, string policyName, CancellationToken cancellationToken = default)
    {
        Record("DeleteUserPolicy", policyName);
        if (!User("DeleteUserPolicy", userName).Inline.Remove(policyName))
        {
            throw NoSuch("DeleteUserPolicy", policyName);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListUserPoliciesAsync(string userName, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<string>>(User("ListUserPolicies", userName).Inline.Keys.ToList());

    public Task PutUserPermissionsBoundaryAsync(string userName, string permissionsBoundaryArn, CancellationToken cancellationToken = default)
    {
        Record("PutUserPermissionsBoundary", userName);
        User("PutUserPermissionsBoundary", userName).Boundary = permissionsBoundaryArn;
        return Task.CompletedTask;
    }

    public Task DeleteUserPermissionsBoundaryAsync(string userName, CancellationToken cancellationToken = default)
    {
        Record("DeleteUserPermissionsBoundary", userName);
        User("DeleteUserPermissionsBoundary", userName).Boundary = null;
        return Task.CompletedTask;
    }

    public Task<IamRole> CreateRoleAsync(IamCreateRoleRequest request, CancellationToken cancellationToken = default)
    {
        Record("CreateRole", request.RoleName);
        var p = AddRole(request.RoleName, request.Tags.ToArray());
        p.Boundary = request.PermissionsBoundary;
        return Task.FromResult(ToRole(p));
    }

    public Task<IamRole> GetRoleAsync(string roleName, CancellationToken cancellationToken = default) => Task.FromResult(ToRole(Role("GetRole", roleName)));

    public Task DeleteRoleAsync(string roleName, CancellationToken cancellationToken = default)
    {
        Record("DeleteRole", roleName);
        var r = Role("DeleteRole", roleName);
        if (r.Attached.Count > 0 || r.Inline.Count > 0)
        {
            throw new AwsServiceException(AwsService.Iam, "DeleteRole", "DeleteConflict", System.Net.HttpStatusCode.Conflict, "req", "Cannot delete entity, must detach all policies first.");
        }

        Roles.Remove(roleName);
        return Task.CompletedTask;
    }

    public Task TagRoleAsync(string roleName, IEnumerable<AwsTag> tags, CancellationToken cancellationToken = default)
    {
        Record("TagRole", roleName);
        Role("TagRole", roleName).Tags.AddRange(tags);
        return Task.CompletedTask;
    }

    public Task PutRolePolicyAsync(string roleName, string policyName, string policyDocument, CancellationToken cancellationToken = default)
    {
        Record("PutRolePolicy", policyName);
        Role("PutRolePolicy", roleName).Inline[policyName] = policyDocument;
        return Task.CompletedTask;
    }

    public Task DeleteRolePolicyAsync(string roleName, string policyName, CancellationToken cancellationToken = default)
    {
        Record("DeleteRolePolicy", policyName);
        if (!Role("DeleteRolePolicy", roleName).Inline.Remove(policyName))
        {
            throw NoSuch("DeleteRolePolicy", policyName);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListRolePoliciesAsync(string roleName, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<string>>(Role("ListRolePolicies", roleName).Inline.Keys.ToList());

    public Task AttachRolePolicyAsync(string roleName, string policyArn, CancellationToken cancellationToken = default)
    {
        Record("AttachRolePolicy", policyArn);
        Role("AttachRolePolicy", roleName).Attached.Add(policyArn);
        return Task.CompletedTask;
    }

    public Task DetachRolePolicyAsync(string roleName, string policyArn, CancellationToken cancellationToken = default)
    {
        Record("DetachRolePolicy", policyArn);
        if (!Role("DetachRolePolicy", roleName).Attached.Remove(policyArn))
        {
            throw NoSuch("DetachRolePolicy", policyArn);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<IamAttachedPolicy>> ListAttachedRolePoliciesAsync(string roleName, string? pathPrefix = null, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<IamAttachedPolicy>>(Role("ListAttachedRolePolicies", roleName).Attached.Select(a => new IamAttachedPolicy(a.Split('/').Last(), a)).ToList());

    public Task<IReadOnlyList<IamUser>> ListUsersAsync(string? pathPrefix = null, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<IamUser>>(Users.Values.Select(ToUser).Select(u => new IamUser { UserName = u.UserName, Arn = u.Arn, UserId = u.UserId }).ToList());

    public Task<IReadOnlyList<IamRole>> ListRolesAsync(string? pathPrefix = null, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<IamRole>>(Roles.Values.Select(ToRole).Select(r => new IamRole { RoleName = r.RoleName, Arn = r.Arn, RoleId = r.RoleId }).ToList());

    public Task<IReadOnlyList<AwsTag>> ListRoleTagsAsync(string roleName, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<AwsTag>>(Role("ListRoleTags", roleName).Tags.ToList());

    public Task<IamPolicy> CreatePolicyAsync(IamCreatePolicyRequest request, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("not used by discovery");

    public Task<IamInlinePolicy> GetUserPolicyAsync(string userName, string policyName, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("not used by discovery");

    public Task<IamInlinePolicy> GetRolePolicyAsync(string roleName, string policyName, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("not used by discovery");

    public Task<IamPolicy> GetPolicyAsync(string policyArn, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("not used by discovery");

    public Task<IamPolicyVersion> GetPolicyVersionAsync(string policyArn, string versionId, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("not used by discovery");

    public Task<IReadOnlyList<IamGroup>> ListGroupsForUserAsync(string userName, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("not used by discovery");

    public Task<IReadOnlyList<string>> ListGroupPoliciesAsync(string groupName, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("not used by discovery");

    public Task<IamInlinePolicy> GetGroupPolicyAsync(string groupName, string policyName, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("not used by discovery");

    public Task<IReadOnlyList<IamAttachedPolicy>> ListAttachedGroupPoliciesAsync(string groupName, string? pathPrefix = null, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("not used by discovery");

    public Task DeletePolicyAsync(string policyArn, CancellationToken cancellationToken = default)
    {
        Record("DeletePolicy", policyArn);
        throw NoSuch("DeletePolicy", policyArn);
    }
}
