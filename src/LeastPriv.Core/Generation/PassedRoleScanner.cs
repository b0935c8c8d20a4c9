using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LeastPriv.Core.Generation;

/// <summary>
/// Finds the roles a call hands to a service. CloudTrail never records iam:PassRole
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html), so it is
/// inferred from the request: any role ARN under a parameter whose name mentions "role"
/// (Lambda <c>role</c>, ECS <c>taskRoleArn</c>/<c>executionRoleArn</c>, CloudFormation
/// <c>roleARN</c>, Step Functions <c>roleArn</c>, CodeBuild <c>serviceRole</c>, EKS
/// <c>nodeRole</c>, S3 replication <c>Role</c>, CloudTrail <c>cloudWatchLogsRoleArn</c>...).
/// EC2 takes an instance profile instead of a role: those are reported as hints, since the
/// profile's role cannot be read from the log. So are role ARNs masked in the log (published
/// samples replace account ids and ARN parts with <c>***</c>): a role ARN never holds a
/// <c>*</c>, so such a value names a role that was passed but cannot be granted.
/// </summary>
internal static class PassedRoleScanner
{
    private static readonly Regex RoleArn = new(@"^arn:[a-z-]+:iam::\d{12}:role/.+$", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    /// <summary>Cheap test before any parsing: most requests carry no role at all.</summary>
    public static bool MayPassRole(string requestParametersJson) =>
        requestParametersJson.IndexOf(":role/", StringComparison.Ordinal) >= 0
        || requestParametersJson.IndexOf("nstanceProfile", StringComparison.OrdinalIgnoreCase) >= 0
        || requestParametersJson.IndexOf('*') >= 0;

    /// <summary>
    /// Reports each role ARN passed (<paramref name="role"/>), each instance profile
    /// (<paramref name="instanceProfile"/>) and each masked role ARN (<paramref name="maskedRole"/>)
    /// in the request text.
    /// </summary>
    public static void Scan(string json, Action<string> role, Action<string> instanceProfile, Action<string> maskedRole)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        var path = new List<string?>();
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        path.Add(property);
                        property = null;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        if (path.Count > 0)
                        {
                            path.RemoveAt(path.Count - 1);
                        }

                        property = null;
                        break;
                    case JsonTokenType.String:
                        var value = reader.GetString() ?? string.Empty;
                        if (InProfile(path, property))
                        {
                            if (value.Length > 0 && (property is "arn" or "name" || value.Contains(":instance-profile/")))
                            {
                                instanceProfile(value);
                            }
                        }
                        else if (property is not null && property.IndexOf("role", StringComparison.OrdinalIgnoreCase) >= 0 && RoleArn.IsMatch(value))
                        {
                            role(value);
                        }
                        else if (property is not null && property.IndexOf("role", StringComparison.OrdinalIgnoreCase) >= 0 && IsMaskedArn(value))
                        {
                            maskedRole(value);
                        }
                        else if (value.Contains(":instance-profile/"))
                        {
                            instanceProfile(value);
                        }

                        property = null;
                        break;
                    default:
                        property = null;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Truncated request text: roles read so far are kept.
        }
    }

    private static bool IsMaskedArn(string value) =>
        value.StartsWith("arn", StringComparison.OrdinalIgnoreCase) && value.IndexOf('*') >= 0;

    private static bool InProfile(List<string?> path, string? property)
    {
        if (property is not null && property.IndexOf("instanceprofile", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return true;
        }

        foreach (var name in path)
        {
            if (name is not null && name.IndexOf("instanceprofile", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
