using System.Text.RegularExpressions;
using LeastPriv.Core.Aws;

namespace LeastPriv.Core.Discovery;

/// <summary>
/// Checks names, paths, ARNs and tags against IAM's own rules before any AWS call
/// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html,
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
/// </summary>
public static class DiscoveryValidation
{
    /// <summary>The tag every resource of a session carries; its value is the session id.</summary>
    public const string SessionTagKey = "leastpriv:session";

    /// <summary>IAM users and roles: at most 50 tags.</summary>
    public const int MaxTags = 50;

    private static readonly Regex PrincipalName = new(@"^[A-Za-z0-9_+=,.@-]{1,64}$", RegexOptions.CultureInvariant);

    // Path: "/" or "/" + printable ASCII without spaces + "/", at most 512 characters.
    private static readonly Regex IamPath = new(@"^(/|/[\u0021-\u007E]+/)$", RegexOptions.CultureInvariant);

    private static readonly Regex PolicyArn = new(@"^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):iam::(aws|\d{12}):policy/([\u0021-\u007E]+/)?[A-Za-z0-9_+=,.@-]{1,128}$", RegexOptions.CultureInvariant);

    private static readonly Regex TrustPrincipalArn = new(
        @"^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):(iam::\d{12}:(root|user/([\u0021-\u007E]+/)?[A-Za-z0-9_+=,.@-]{1,64}|role/([\u0021-\u007E]+/)?[A-Za-z0-9_+=,.@-]{1,64})|sts::\d{12}:assumed-role/[A-Za-z0-9_+=,.@-]{1,64}/[A-Za-z0-9_+=,.@-]{2,64})$",
        RegexOptions.CultureInvariant);

    private static readonly Regex TagText = new(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$", RegexOptions.CultureInvariant);

    public static void UserName(string? name) => Name(name, "UserName", "DiscoveryUserNameInvalid", "user");

    public static void RoleName(string? name) => Name(name, "RoleName", "DiscoveryRoleNameInvalid", "role");

    public static void Path(string? path)
    {
        if (path is null)
        {
            return;
        }

        if (path.Length > 512 || !IamPath.IsMatch(path))
        {
            throw Invalid("DiscoveryPathInvalid", path, $"'{path}' is not an IAM path: it must be '/' or start and end with '/', with printable ASCII characters and no spaces in between, at most 512 characters (for example /leastpriv/).");
        }
    }

    public static void ManagedPolicyArn(string? arn, string parameter)
    {
        if (arn is null || !PolicyArn.IsMatch(arn))
        {
            throw Invalid("DiscoveryPolicyArnInvalid", arn, $"-{parameter} '{arn}' is not an IAM managed policy ARN (arn:aws:iam::aws:policy/ReadOnlyAccess or arn:aws:iam::123456789012:policy/name).");
        }
    }

    public static void TrustPrincipal(string? arn)
    {
        if (arn is null || !TrustPrincipalArn.IsMatch(arn))
        {
            throw Invalid("DiscoveryTrustPrincipalInvalid", arn, $"-TrustPrincipal '{arn}' is not the ARN of an account root, IAM user, IAM role or assumed-role session (for example arn:aws:iam::123456789012:user/alice).");
        }
    }

    /// <summary>CreateRole's MaxSessionDuration: 3600 to 43200 seconds.</summary>
    public static void MaxSessionDuration(int? seconds)
    {
        if (seconds is { } s && (s < 3600 || s > 43200))
        {
            throw Invalid("DiscoveryMaxSessionDurationInvalid", s, $"-MaxSessionDuration {s} is outside 3600..43200 seconds (1 to 12 hours).");
        }
    }

    /// <summary>User tags: keys 1–128, values 0–256, IAM's character set, no <c>aws:</c> prefix, not the session tag, at most 49 (one is the session's).</summary>
    public static void Tags(IReadOnlyCollection<AwsTag> tags)
    {
        if (tags.Count > MaxTags - 1)
        {
            throw Invalid("DiscoveryTagInvalid", tags.Count, $"{tags.Count} tags were given; IAM allows {MaxTags} per user or role and one is '{SessionTagKey}'.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var tag in tags)
        {
            if (string.IsNullOrEmpty(tag.Key) || tag.Key.Length > 128 || !TagText.IsMatch(tag.Key))
            {
                throw Invalid("DiscoveryTagInvalid", tag.Key, $"Tag key '{tag.Key}' is not valid: 1 to 128 letters, digits, spaces and _ . : / = + - @.");
            }

            if (tag.Key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid("DiscoveryTagInvalid", tag.Key, $"Tag key '{tag.Key}' uses the 'aws:' prefix, which AWS reserves.");
            }

            if (string.Equals(tag.Key, SessionTagKey, StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid("DiscoveryTagInvalid", tag.Key, $"Tag key '{SessionTagKey}' is set by LeastPriv itself (the session id).");
            }

            if (tag.Value is null || tag.Value.Length > 256 || !TagText.IsMatch(tag.Value))
            {
                throw Invalid("DiscoveryTagInvalid", tag.Key, $"The value of tag '{tag.Key}' is not valid: 0 to 256 letters, digits, spaces and _ . : / = + - @.");
            }

            if (!seen.Add(tag.Key))
            {
                throw Invalid("DiscoveryTagInvalid", tag.Key, $"Tag key '{tag.Key}' is given twice (IAM tag keys are case-insensitive).");
            }
        }
    }

    private static void Name(string? name, string parameter, string errorId, string kind)
    {
        if (name is null || !PrincipalName.IsMatch(name))
        {
            throw Invalid(errorId, name, $"-{parameter} '{name}' is not a valid IAM {kind} name: 1 to 64 characters, letters, digits and + = , . @ _ - only.");
        }
    }

    private static LeastPrivException Invalid(string errorId, object? target, string message)
        => new(errorId, LPErrorCategory.InvalidArgument, message, target);
}
