namespace LeastPriv.Core.CloudTrail;

/// <summary>What kind of IAM principal an ARN names.</summary>
public enum PrincipalArnKind
{
    User,
    Role,
    Root,
    AssumedRole,
    FederatedUser,
}

/// <summary>
/// A parsed IAM principal ARN. Paths are kept but not compared: user and role names are unique
/// within an account whatever their path, and CloudTrail writes assumed-role ARNs without the
/// role's path (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns).
/// </summary>
public sealed class PrincipalArn
{
    private PrincipalArn(string value, string partition, string accountId, PrincipalArnKind kind, string name, string path, string? sessionName)
    {
        Value = value;
        Partition = partition;
        AccountId = accountId;
        Kind = kind;
        Name = name;
        Path = path;
        SessionName = sessionName;
    }

    public string Value { get; }

    public string Partition { get; }

    public string AccountId { get; }

    public PrincipalArnKind Kind { get; }

    /// <summary>User or role name (the role's name for assumed-role ARNs); empty for root.</summary>
    public string Name { get; }

    /// <summary>IAM path ("/" when none).</summary>
    public string Path { get; }

    public string? SessionName { get; }

    /// <summary>Parses <paramref name="arn"/>; throws <c>PrincipalArnInvalid</c> when it is not a principal ARN.</summary>
    public static PrincipalArn Parse(string arn)
    {
        if (TryParse(arn, out var result, out var reason))
        {
            return result!;
        }

        throw CloudTrailErrors.PrincipalArn(arn, reason);
    }

    /// <summary>Never throws: masked or malformed ARNs found in logs simply do not parse.</summary>
    public static bool TryParse(string? arn, out PrincipalArn? result) => TryParse(arn, out result, out _);

    private static bool TryParse(string? arn, out PrincipalArn? result, out string reason)
    {
        result = null;
        if (string.IsNullOrWhiteSpace(arn))
        {
            reason = "it is empty.";
            return false;
        }

        var parts = arn!.Split(new[] { ':' }, 6);
        if (parts.Length != 6 || parts[0] != "arn")
        {
            reason = "it does not have the six colon-separated parts of an ARN.";
            return false;
        }

        var (partition, service, region, account, resource) = (parts[1], parts[2], parts[3], parts[4], parts[5]);
        if (partition.Length == 0 || !partition.StartsWith("aws", StringComparison.Ordinal))
        {
            reason = $"the partition '{partition}' is not an AWS partition.";
            return false;
        }

        if (region.Length != 0)
        {
            reason = "IAM and STS principal ARNs have no region.";
            return false;
        }

        if (account.Length != 12 || !account.All(c => c is >= '0' and <= '9'))
        {
            reason = $"the account '{account}' is not a 12-digit account id.";
            return false;
        }

        if (service == "iam")
        {
            if (resource == "root")
            {
                result = new PrincipalArn(arn, partition, account, PrincipalArnKind.Root, string.Empty, "/", null);
                reason = string.Empty;
                return true;
            }

            var slash = resource.IndexOf('/');
            var type = slash < 0 ? resource : resource.Substring(0, slash);
            if (slash < 0 || (type != "user" && type != "role"))
            {
                reason = "an IAM principal ARN names a user, a role or root.";
                return false;
            }

            var last = resource.LastIndexOf('/');
            var name = resource.Substring(last + 1);
            var path = resource.Substring(slash, last - slash + 1);
            if (name.Length == 0)
            {
                reason = "the name is missing.";
                return false;
            }

            result = new PrincipalArn(arn, partition, account, type == "user" ? PrincipalArnKind.User : PrincipalArnKind.Role, name, path, null);
            reason = string.Empty;
            return true;
        }

        if (service == "sts")
        {
            var segments = resource.Split('/');
            if (segments.Length == 3 && segments[0] == "assumed-role" && segments[1].Length > 0 && segments[2].Length > 0)
            {
                result = new PrincipalArn(arn, partition, account, PrincipalArnKind.AssumedRole, segments[1], "/", segments[2]);
                reason = string.Empty;
                return true;
            }

            if (segments.Length == 2 && segments[0] == "federated-user" && segments[1].Length > 0)
            {
                result = new PrincipalArn(arn, partition, account, PrincipalArnKind.FederatedUser, segments[1], "/", null);
                reason = string.Empty;
                return true;
            }

            reason = "an STS principal ARN names an assumed-role session or a federated user.";
            return false;
        }

        reason = $"the service '{service}' is neither iam nor sts.";
        return false;
    }

    /// <summary>Same principal: same partition, account, kind and name (case-insensitive, IAM names are).</summary>
    internal bool SamePrincipal(PrincipalArn other) =>
        Kind == other.Kind
        && string.Equals(AccountId, other.AccountId, StringComparison.Ordinal)
        && string.Equals(Partition, other.Partition, StringComparison.Ordinal)
        && string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase)
        && (Kind != PrincipalArnKind.AssumedRole || string.Equals(SessionName, other.SessionName, StringComparison.Ordinal));

    public override string ToString() => Value;
}
