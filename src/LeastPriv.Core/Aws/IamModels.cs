namespace LeastPriv.Core.Aws;

/// <summary>A tag (IAM, CloudTrail): key 1–128 characters, value 0–256.</summary>
public sealed class AwsTag
{
    public AwsTag(string key, string value)
    {
        Key = key;
        Value = value;
    }

    public string Key { get; }

    public string Value { get; }

    public override string ToString() => $"{Key}={Value}";
}

/// <summary>IAM <c>User</c>.</summary>
public sealed class IamUser
{
    public string Path { get; init; } = "/";

    public string UserName { get; init; } = string.Empty;

    public string UserId { get; init; } = string.Empty;

    public string Arn { get; init; } = string.Empty;

    public DateTimeOffset CreateDate { get; init; }

    public DateTimeOffset? PasswordLastUsed { get; init; }

    public string? PermissionsBoundaryArn { get; init; }

    public IReadOnlyList<AwsTag> Tags { get; init; } = Array.Empty<AwsTag>();
}

/// <summary>IAM <c>Role</c>. <see cref="AssumeRolePolicyDocument"/> is decoded (IAM sends it URL-encoded).</summary>
public sealed class IamRole
{
    public string Path { get; init; } = "/";

    public string RoleName { get; init; } = string.Empty;

    public string RoleId { get; init; } = string.Empty;

    public string Arn { get; init; } = string.Empty;

    public DateTimeOffset CreateDate { get; init; }

    public string? AssumeRolePolicyDocument { get; init; }

    public string? Description { get; init; }

    public int? MaxSessionDuration { get; init; }

    public string? PermissionsBoundaryArn { get; init; }

    public IReadOnlyList<AwsTag> Tags { get; init; } = Array.Empty<AwsTag>();

    public DateTimeOffset? RoleLastUsedDate { get; init; }

    public string? RoleLastUsedRegion { get; init; }
}

/// <summary>A new access key, with its secret (returned only by CreateAccessKey).</summary>
public sealed class IamAccessKey
{
    public string UserName { get; init; } = string.Empty;

    public string AccessKeyId { get; init; } = string.Empty;

    public string Status { get; init; } = string.Empty;

    public string SecretAccessKey { get; init; } = string.Empty;

    public DateTimeOffset? CreateDate { get; init; }

    /// <summary>Never prints the secret.</summary>
    public override string ToString() => $"{AccessKeyId} ({UserName}, {Status})";
}

/// <summary>An entry of ListAccessKeys.</summary>
public sealed class IamAccessKeyMetadata
{
    public string? UserName { get; init; }

    public string AccessKeyId { get; init; } = string.Empty;

    public string Status { get; init; } = string.Empty;

    public DateTimeOffset? CreateDate { get; init; }
}

/// <summary>IAM managed <c>Policy</c>.</summary>
public sealed class IamPolicy
{
    public string PolicyName { get; init; } = string.Empty;

    public string PolicyId { get; init; } = string.Empty;

    public string Arn { get; init; } = string.Empty;

    public string Path { get; init; } = "/";

    public string? DefaultVersionId { get; init; }

    public int? AttachmentCount { get; init; }

    public int? PermissionsBoundaryUsageCount { get; init; }

    public bool? IsAttachable { get; init; }

    public string? Description { get; init; }

    public DateTimeOffset? CreateDate { get; init; }

    public DateTimeOffset? UpdateDate { get; init; }

    public IReadOnlyList<AwsTag> Tags { get; init; } = Array.Empty<AwsTag>();
}

/// <summary>An entry of ListAttached*Policies.</summary>
public sealed class IamAttachedPolicy
{
    public IamAttachedPolicy(string policyName, string policyArn)
    {
        PolicyName = policyName;
        PolicyArn = policyArn;
    }

    public string PolicyName { get; }

    public string PolicyArn { get; }
}

/// <summary>CreateUser input.</summary>
public sealed class IamCreateUserRequest
{
    public string UserName { get; set; } = string.Empty;

    public string? Path { get; set; }

    public string? PermissionsBoundary { get; set; }

    public IList<AwsTag> Tags { get; set; } = new List<AwsTag>();
}

/// <summary>CreateRole input.</summary>
public sealed class IamCreateRoleRequest
{
    public string RoleName { get; set; } = string.Empty;

    public string AssumeRolePolicyDocument { get; set; } = string.Empty;

    public string? Path { get; set; }

    public string? Description { get; set; }

    /// <summary>3600–43200 seconds.</summary>
    public int? MaxSessionDuration { get; set; }

    public string? PermissionsBoundary { get; set; }

    public IList<AwsTag> Tags { get; set; } = new List<AwsTag>();
}

/// <summary>CreatePolicy input.</summary>
public sealed class IamCreatePolicyRequest
{
    public string PolicyName { get; set; } = string.Empty;

    public string PolicyDocument { get; set; } = string.Empty;

    public string? Path { get; set; }

    public string? Description { get; set; }

    public IList<AwsTag> Tags { get; set; } = new List<AwsTag>();
}

/// <summary>An inline policy of a user, role or group (Get*Policy), its document already URL-decoded.</summary>
public sealed class IamInlinePolicy
{
    /// <summary>The user, role or group the policy is embedded in.</summary>
    public string OwnerName { get; init; } = string.Empty;

    public string PolicyName { get; init; } = string.Empty;

    public string PolicyDocument { get; init; } = string.Empty;
}

/// <summary>One version of a managed policy (GetPolicyVersion), its document already URL-decoded.</summary>
public sealed class IamPolicyVersion
{
    public string VersionId { get; init; } = string.Empty;

    public string Document { get; init; } = string.Empty;

    public bool? IsDefaultVersion { get; init; }

    public DateTimeOffset? CreateDate { get; init; }
}

/// <summary>IAM <c>Group</c>.</summary>
public sealed class IamGroup
{
    public string Path { get; init; } = "/";

    public string GroupName { get; init; } = string.Empty;

    public string GroupId { get; init; } = string.Empty;

    public string Arn { get; init; } = string.Empty;

    public DateTimeOffset? CreateDate { get; init; }
}
