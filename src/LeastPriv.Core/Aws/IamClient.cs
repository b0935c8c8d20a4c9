using System.Xml.Linq;

namespace LeastPriv.Core.Aws;

/// <summary>
/// IAM over the query protocol (https://docs.aws.amazon.com/IAM/latest/APIReference/): form POST,
/// XML answers, <c>Marker</c>/<c>IsTruncated</c> pagination. IAM is global: one endpoint per
/// partition, always signed for that partition's IAM region.
/// </summary>
internal sealed class IamClient : IIamApi
{
    internal const string ApiVersion = "2010-05-08";
    private const string FormContentType = "application/x-www-form-urlencoded; charset=utf-8";

    private readonly AwsTransport _transport;

    public IamClient(AwsContext context)
    {
        _transport = new AwsTransport(context, AwsService.Iam, AwsErrorReader.Query);
    }

    /// <summary>Sent as <c>MaxItems</c> on list calls when set (1–1000); IAM's default is 100.</summary>
    public int? PageSize { get; set; }

    public async Task<IamUser> CreateUserAsync(IamCreateUserRequest request, CancellationToken cancellationToken = default)
    {
        var q = new QueryRequestBuilder("CreateUser", ApiVersion)
            .Add("UserName", request.UserName)
            .Add("Path", request.Path)
            .Add("PermissionsBoundary", request.PermissionsBoundary)
            .AddTags("Tags", request.Tags.Count == 0 ? null : request.Tags);
        return await CallAsync(q, request.UserName, r => ReadUser(r.Child("User")), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IamUser> GetUserAsync(string? userName, CancellationToken cancellationToken = default)
    {
        var q = new QueryRequestBuilder("GetUser", ApiVersion).Add("UserName", userName);
        return await CallAsync(q, userName, r => ReadUser(r.Child("User")), cancellationToken).ConfigureAwait(false);
    }

    public Task DeleteUserAsync(string userName, CancellationToken cancellationToken = default)
        => CallAsync(new QueryRequestBuilder("DeleteUser", ApiVersion).Add("UserName", userName), userName, cancellationToken);

    public Task TagUserAsync(string userName, IEnumerable<AwsTag> tags, CancellationToken cancellationToken = default)
        => CallAsync(new QueryRequestBuilder("TagUser", ApiVersion).Add("UserName", userName).AddTags("Tags", tags), userName, cancellationToken);

    public Task<IReadOnlyList<AwsTag>> ListUserTagsAsync(string userName, CancellationToken cancellationToken = default)
        => ListAsync(
            () => new QueryRequestBuilder("ListUserTags", ApiVersion).Add("UserName", userName),
            r => r.Members("Tags").Select(ReadTag),
            userName,
            cancellationToken);

    public async Task<IamAccessKey> CreateAccessKeyAsync(string? userName, CancellationToken cancellationToken = default)
    {
        return await CallAsync(new QueryRequestBuilder("CreateAccessKey", ApiVersion).Add("UserName", userName), userName, ReadAccessKey, cancellationToken).ConfigureAwait(false);
    }

    public Task DeleteAccessKeyAsync(string? userName, string accessKeyId, CancellationToken cancellationToken = default)
        => CallAsync(new QueryRequestBuilder("DeleteAccessKey", ApiVersion).Add("UserName", userName).Add("AccessKeyId", accessKeyId), accessKeyId, cancellationToken);

    public Task<IReadOnlyList<IamAccessKeyMetadata>> ListAccessKeysAsync(string? userName, CancellationToken cancellationToken = default)
        => ListAsync(
            () => new QueryRequestBuilder("ListAccessKeys", ApiVersion).Add("UserName", userName),
            r => r.Members("AccessKeyMetadata").Select(m => new IamAccessKeyMetadata
            {
                UserName = m.Text("UserName"),
                AccessKeyId = m.Required("AccessKeyId"),
                Status = m.Text("Status") ?? string.Empty,
                CreateDate = m.Date("CreateDate"),
            }),
            userName,
            cancellationToken);

    public Task AttachUserPolicyAsync(string userName, string policyArn, CancellationToken cancellationToken = default)
        => CallAsync(new QueryRequestBuilder("AttachUserPolicy", ApiVersion).Add("UserName", userName).Add("PolicyArn", policyArn), policyArn, cancellationToken);

    public Task DetachUserPolicyAsync(string userName, string policyArn, CancellationToken cancellationToken = default)
        => CallAsync(new QueryRequestBuilder("DetachUserPolicy", ApiVersion).Add("UserName", userName).Add("PolicyArn", policyArn), policyArn, cancellationToken);

    public Task<IReadOnlyList<IamAttachedPolicy>> ListAttachedUserPoliciesAsync(string userName, string? pathPrefix = null, CancellationToken cancellationToken = default)
        => ListAsync(
            () => new QueryRequestBuilder("ListAttachedUserPolicies", ApiVersion).Add("UserName", userName).Add("PathPrefix", pathPrefix),
            r => r.Members("AttachedPolicies").Select(ReadAttached),
            userName,
            cancellationToken);

    public Task PutUserPolicyAsync(string userName, string policyName, string policyDocument, CancellationToken cancellationToken = default)
        => CallAsync(
            new QueryRequestBuilder("PutUserPolicy", ApiVersion).Add("UserName", userName).Add("PolicyName", policyName).Add("PolicyDocument", policyDocument),
            policyName,
            cancellationToken);

    public Task DeleteUserPolicyAsync(string userName, string policyName, CancellationToken cancellationToken = default)
        => CallAsync(new QueryRequestBuilder("DeleteUserPolicy", ApiVersion).Add("UserName", userName).Add("PolicyName", policyName), policyName, cancellationToken);

    public Task<IReadOnlyList<string>> ListUserPoliciesAsync(string userName, CancellationToken cancellationToken = default)
        => ListAsync(
            () => new QueryRequestBuilder("ListUserPolicies", ApiVersion).Add("UserName", userName),
            r => r.Members("PolicyNames").Select(m => m.Value),
            userName,
            cancellationToken);

    public Task PutUserPermissionsBoundaryAsync(string userName, string permissionsBoundaryArn, CancellationToken cancellationToken = default)
        => CallAsync(
            new QueryRequestBuilder("PutUserPermissionsBoundary", ApiVersion).Add("UserName", userName).Add("PermissionsBoundary", permissionsBoundaryArn),
            userName,
            cancellationToken);

    public Task DeleteUserPermissionsBoundaryAsync(string userName, CancellationToken cancellationToken = default)
        => CallAsync(new QueryRequestBuilder("DeleteUserPermissionsBoundary", ApiVersion).Add("UserName", userName), userName, cancellationToken);

    public async Task<IamRole> CreateRoleAsync(IamCreateRoleRequest request, CancellationToken cancellationToken = default)
    {
        var q = new QueryRequestBuilder("CreateRole", ApiVersion)
            .Add("RoleName", request.RoleName)
            .Add("AssumeRolePolicyDocument", request.AssumeRolePolicyDocument)
            .Add("Path", request.Path)
            .Add("Description", request.Description)
            .Add("MaxSessionDuration", request.MaxSessionDuration)
            .Add("PermissionsBoundary", request.PermissionsBoundary)
            .AddTags("Tags", request.Tags.Count == 0 ? null : request.Tags);
        return await CallAsync(q, request.RoleName, r => ReadRole(r.Child("Role")), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IamRole> GetRoleAsync(string roleName, CancellationToken cancellationToken = default)
    {
        return await CallAsync(new QueryRequestBuilder("GetRole", ApiVersion).Add("RoleName", roleName), roleName, r => ReadRole(r.Child("Role")), cancellationToken).ConfigureAwait(false);
    }

    public Task DeleteRoleAsync(string roleName, CancellationToken cancellationToken = default)
        => CallAsync(new QueryRequestBuilder("DeleteRole", ApiVersion).Add("RoleName", roleName), roleName, cancellationToken);

    public Task TagRoleAsync(string roleName, IEnumerable<AwsTag> tags, CancellationToken cancellationToken = default)
        => CallAsync(new QueryRequestBuilder("TagRole", ApiVersion).Add("RoleName", roleName).AddTags("Tags", tags), roleName, cancellationToken);

    public Task PutRolePolicyAsync(string roleName, string policyName, string policyDocument, CancellationToken cancellationToken = default)
        => CallAsync(
            new QueryRequestBuilder("PutRolePolicy", ApiVersion).Add("RoleName", roleName).Add("PolicyName", policyName).Add("PolicyDocument", policyDocument),
            policyName,
            cancellationToken);

    public Task DeleteRolePolicyAsync(string roleName, string policyName, CancellationToken cancellationToken = default)
        => CallAsync(new QueryRequestBuilder("DeleteRolePolicy", ApiVersion).Add("RoleName", roleName).Add("PolicyName", policyName), policyName, cancellationToken);

    public Task<IReadOnlyList<string>> ListRolePoliciesAsync(string roleName, CancellationToken cancellationToken = default)
        => ListAsync(
            () => new QueryRequestBuilder("ListRolePolicies", ApiVersion).Add("RoleName", roleName),
            r => r.Members("PolicyNames").Select(m => m.Value),
            roleName,
            cancellationToken);

    public Task AttachRolePolicyAsync(string roleName, string policyArn, CancellationToken cancellationToken = default)
        => CallAsync(new QueryRequestBuilder("AttachRolePolicy", ApiVersion).Add("RoleName", roleName).Add("PolicyArn", policyArn), policyArn, cancellationToken);

    public Task DetachRolePolicyAsync(string roleName, string policyArn, CancellationToken cancellationToken = default)
        => CallAsync(new QueryRequestBuilder("DetachRolePolicy", ApiVersion).Add("RoleName", roleName).Add("PolicyArn", policyArn), policyArn, cancellationToken);

    public Task<IReadOnlyList<IamAttachedPolicy>> ListAttachedRolePoliciesAsync(string roleName, string? pathPrefix = null, CancellationToken cancellationToken = default)
        => ListAsync(
            () => new QueryRequestBuilder("ListAttachedRolePolicies", ApiVersion).Add("RoleName", roleName).Add("PathPrefix", pathPrefix),
            r => r.Members("AttachedPolicies").Select(ReadAttached),
            roleName,
            cancellationToken);

    public Task<IReadOnlyList<IamUser>> ListUsersAsync(string? pathPrefix = null, CancellationToken cancellationToken = default)
        => ListAsync(
            () => new QueryRequestBuilder("ListUsers", ApiVersion).Add("PathPrefix", pathPrefix),
            r => r.Members("Users").Select(ReadUser),
            pathPrefix,
            cancellationToken);

    public Task<IReadOnlyList<IamRole>> ListRolesAsync(string? pathPrefix = null, CancellationToken cancellationToken = default)
        => ListAsync(
            () => new QueryRequestBuilder("ListRoles", ApiVersion).Add("PathPrefix", pathPrefix),
            r => r.Members("Roles").Select(ReadRole),
            pathPrefix,
            cancellationToken);

    public Task<IReadOnlyList<AwsTag>> ListRoleTagsAsync(string roleName, CancellationToken cancellationToken = default)
        => ListAsync(
            () => new QueryRequestBuilder("ListRoleTags", ApiVersion).Add("RoleName", roleName),
            r => r.Members("Tags").Select(ReadTag),
            roleName,
            cancellationToken);

    public async Task<IamPolicy> CreatePolicyAsync(IamCreatePolicyRequest request, CancellationToken cancellationToken = default)
    {
        var q = new QueryRequestBuilder("CreatePolicy", ApiVersion)
            .Add("PolicyName", request.PolicyName)
            .Add("Path", request.Path)
            .Add("PolicyDocument", request.PolicyDocument)
            .Add("Description", request.Description)
            .AddTags("Tags", request.Tags.Count == 0 ? null : request.Tags);
        return await CallAsync(q, request.PolicyName, r => ReadPolicy(r.Child("Policy")), cancellationToken).ConfigureAwait(false);
    }

    private static IamPolicy ReadPolicy(XElement? p)
    {
        if (p is null)
        {
            throw new FormatException("The answer has no <Policy>.");
        }

        return new IamPolicy
        {
            PolicyName = p.Text("PolicyName") ?? string.Empty,
            PolicyId = p.Text("PolicyId") ?? string.Empty,
            Arn = p.Text("Arn") ?? string.Empty,
            Path = p.Text("Path") ?? "/",
            DefaultVersionId = p.Text("DefaultVersionId"),
            AttachmentCount = p.Int("AttachmentCount"),
            PermissionsBoundaryUsageCount = p.Int("PermissionsBoundaryUsageCount"),
            IsAttachable = p.Bool("IsAttachable"),
            Description = p.Text("Description"),
            CreateDate = p.Date("CreateDate"),
            UpdateDate = p.Date("UpdateDate"),
            Tags = p.Members("Tags").Select(ReadTag).ToArray(),
        };
    }

    public Task DeletePolicyAsync(string policyArn, CancellationToken cancellationToken = default)
        => CallAsync(new QueryRequestBuilder("DeletePolicy", ApiVersion).Add("PolicyArn", policyArn), policyArn, cancellationToken);

    public Task<IamInlinePolicy> GetUserPolicyAsync(string userName, string policyName, CancellationToken cancellationToken = default)
        => CallAsync(
            new QueryRequestBuilder("GetUserPolicy", ApiVersion).Add("UserName", userName).Add("PolicyName", policyName),
            policyName,
            r => ReadInline(r, "UserName"),
            cancellationToken);

    public Task<IamInlinePolicy> GetRolePolicyAsync(string roleName, string policyName, CancellationToken cancellationToken = default)
        => CallAsync(
            new QueryRequestBuilder("GetRolePolicy", ApiVersion).Add("RoleName", roleName).Add("PolicyName", policyName),
            policyName,
            r => ReadInline(r, "RoleName"),
            cancellationToken);

    public Task<IamInlinePolicy> GetGroupPolicyAsync(string groupName, string policyName, CancellationToken cancellationToken = default)
        => CallAsync(
            new QueryRequestBuilder("GetGroupPolicy", ApiVersion).Add("GroupName", groupName).Add("PolicyName", policyName),
            policyName,
            r => ReadInline(r, "GroupName"),
            cancellationToken);

    public Task<IamPolicy> GetPolicyAsync(string policyArn, CancellationToken cancellationToken = default)
        => CallAsync(new QueryRequestBuilder("GetPolicy", ApiVersion).Add("PolicyArn", policyArn), policyArn, r => ReadPolicy(r.Child("Policy")), cancellationToken);

    public Task<IamPolicyVersion> GetPolicyVersionAsync(string policyArn, string versionId, CancellationToken cancellationToken = default)
        => CallAsync(
            new QueryRequestBuilder("GetPolicyVersion", ApiVersion).Add("PolicyArn", policyArn).Add("VersionId", versionId),
            policyArn,
            r =>
            {
                var v = r.Child("PolicyVersion") ?? throw new FormatException("The answer has no <PolicyVersion>.");
                return new IamPolicyVersion
                {
                    VersionId = v.Text("VersionId") ?? versionId,
                    Document = DecodeDocument(v.Required("Document")),
                    IsDefaultVersion = v.Bool("IsDefaultVersion"),
                    CreateDate = v.Date("CreateDate"),
                };
            },
            cancellationToken);

    public Task<IReadOnlyList<IamGroup>> ListGroupsForUserAsync(string userName, CancellationToken cancellationToken = default)
        => ListAsync(
            () => new QueryRequestBuilder("ListGroupsForUser", ApiVersion).Add("UserName", userName),
            r => r.Members("Groups").Select(g => new IamGroup
            {
                Path = g.Text("Path") ?? "/",
                GroupName = g.Required("GroupName"),
                GroupId = g.Text("GroupId") ?? string.Empty,
                Arn = g.Text("Arn") ?? string.Empty,
                CreateDate = g.Date("CreateDate"),
            }),
            userName,
            cancellationToken);

    public Task<IReadOnlyList<string>> ListGroupPoliciesAsync(string groupName, CancellationToken cancellationToken = default)
        => ListAsync(
            () => new QueryRequestBuilder("ListGroupPolicies", ApiVersion).Add("GroupName", groupName),
            r => r.Members("PolicyNames").Select(m => m.Value),
            groupName,
            cancellationToken);

    public Task<IReadOnlyList<IamAttachedPolicy>> ListAttachedGroupPoliciesAsync(string groupName, string? pathPrefix = null, CancellationToken cancellationToken = default)
        => ListAsync(
            () => new QueryRequestBuilder("ListAttachedGroupPolicies", ApiVersion).Add("GroupName", groupName).Add("PathPrefix", pathPrefix),
            r => r.Members("AttachedPolicies").Select(ReadAttached),
            groupName,
            cancellationToken);

    /// <summary>
    /// IAM returns every policy document URL-encoded (RFC 3986), e.g. <c>%7B%22Version%22...</c>;
    /// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUserPolicy.html
    /// </summary>
    internal static string DecodeDocument(string encoded) => Uri.UnescapeDataString(encoded);

    private static IamInlinePolicy ReadInline(XElement r, string ownerMember) => new()
    {
        OwnerName = r.Text(ownerMember) ?? string.Empty,
        PolicyName = r.Required("PolicyName"),
        PolicyDocument = DecodeDocument(r.Required("PolicyDocument")),
    };

    private Task CallAsync(QueryRequestBuilder query, object? target, CancellationToken cancellationToken)
        => CallAsync(query, target, _ => true, cancellationToken);

    private async Task<T> CallAsync<T>(QueryRequestBuilder query, object? target, Func<XElement, T> parse, CancellationToken cancellationToken)
    {
        var request = new AwsWireRequest("POST") { Body = query.ToBody(), ContentType = FormContentType };
        var response = await _transport.SendAsync(query.Action, request, target, cancellationToken).ConfigureAwait(false);
        try
        {
            return parse(QueryXml.Result(response.Body, query.Action));
        }
        catch (Exception ex) when (ex is System.Xml.XmlException or FormatException)
        {
            throw new LeastPrivException("AwsResponseInvalid", LPErrorCategory.InvalidResult, $"IAM {query.Action}: the answer is not valid IAM XML ({ex.Message}).", target, ex);
        }
    }

    /// <summary>
    /// Repeats the call while <c>IsTruncated</c> is true, passing back <c>Marker</c>; IAM may return
    /// fewer items than asked for even when more remain, so only IsTruncated decides.
    /// </summary>
    private async Task<IReadOnlyList<T>> ListAsync<T>(Func<QueryRequestBuilder> build, Func<XElement, IEnumerable<T>> read, object? target, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        string? marker = null;
        do
        {
            var q = build().Add("Marker", marker).Add("MaxItems", PageSize);
            var page = await CallAsync(
                q,
                target,
                r => (Items: read(r).ToList(), Next: r.Bool("IsTruncated") == true ? r.Text("Marker") : null),
                cancellationToken).ConfigureAwait(false);
            items.AddRange(page.Items);
            marker = page.Next;
        }
        while (!string.IsNullOrEmpty(marker));

        return items;
    }

    private static IamAccessKey ReadAccessKey(XElement result)
    {
        var key = result.Child("AccessKey") ?? throw new FormatException("The answer has no <AccessKey>.");
        return new IamAccessKey
        {
            UserName = key.Required("UserName"),
            AccessKeyId = key.Required("AccessKeyId"),
            Status = key.Required("Status"),
            SecretAccessKey = key.Required("SecretAccessKey"),
            CreateDate = key.Date("CreateDate"),
        };
    }

    private static AwsTag ReadTag(XElement e) => new(e.Required("Key"), e.Text("Value") ?? string.Empty);

    private static IamAttachedPolicy ReadAttached(XElement e) => new(e.Text("PolicyName") ?? string.Empty, e.Text("PolicyArn") ?? string.Empty);

    private static IamUser ReadUser(XElement? u)
    {
        if (u is null)
        {
            throw new FormatException("The answer has no <User>.");
        }

        return new IamUser
        {
            Path = u.Text("Path") ?? "/",
            UserName = u.Required("UserName"),
            UserId = u.Text("UserId") ?? string.Empty,
            Arn = u.Required("Arn"),
            CreateDate = u.Date("CreateDate") ?? default,
            PasswordLastUsed = u.Date("PasswordLastUsed"),
            PermissionsBoundaryArn = u.Child("PermissionsBoundary").Text("PermissionsBoundaryArn"),
            Tags = u.Members("Tags").Select(ReadTag).ToArray(),
        };
    }

    private static IamRole ReadRole(XElement? r)
    {
        if (r is null)
        {
            throw new FormatException("The answer has no <Role>.");
        }

        var document = r.Text("AssumeRolePolicyDocument");
        return new IamRole
        {
            Path = r.Text("Path") ?? "/",
            RoleName = r.Required("RoleName"),
            RoleId = r.Text("RoleId") ?? string.Empty,
            Arn = r.Required("Arn"),
            CreateDate = r.Date("CreateDate") ?? default,
            // IAM returns policy documents URL-encoded (RFC 3986).
            AssumeRolePolicyDocument = document is null ? null : Uri.UnescapeDataString(document),
            Description = r.Text("Description"),
            MaxSessionDuration = r.Int("MaxSessionDuration"),
            PermissionsBoundaryArn = r.Child("PermissionsBoundary").Text("PermissionsBoundaryArn"),
            Tags = r.Members("Tags").Select(ReadTag).ToArray(),
            RoleLastUsedDate = r.Child("RoleLastUsed").Date("LastUsedDate"),
            RoleLastUsedRegion = r.Child("RoleLastUsed").Text("Region"),
        };
    }
}
