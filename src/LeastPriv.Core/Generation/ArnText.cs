using System.Text.RegularExpressions;

namespace LeastPriv.Core.Generation;

/// <summary>
/// ARN helpers for the generator: building ARNs of the common services from request
/// parameters, and generalizing observed ARNs (region, account, generated name parts).
/// ARN format: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html.
/// </summary>
internal static class ArnText
{
    // A GUID anywhere in a name (CloudFormation stack ids, request ids in keys).
    private static readonly Regex Guid = new(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    // Timestamps: 20261124T0210Z / 20261124T021030Z, ISO dates with optional time, Unix epochs in
    // seconds (10 digits) or milliseconds (13). Not 12 digits: that is an account id ("logs-111122223333").
    private static readonly Regex Timestamp = new(@"\d{8}T\d{4,6}Z?|\d{4}-\d{2}-\d{2}(?:[T_ ]\d{2}[:\-]?\d{2}(?:[:\-]?\d{2}(?:\.\d+)?)?Z?)?|(?<!\d)(?:\d{13}|\d{10})(?!\d)", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    // CloudFormation physical names end with "-" + 12/13 random upper-case alphanumerics
    // (MyStack-MyQueue-1X2Y3Z4A5B6C7); S3 bucket names get the same in lower case. CDK names add
    // an 8-hex logical-id hash before it. The random part mixes letters and digits.
    private static readonly Regex CloudFormationSuffix = new(@"-(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{8,16}$", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    private static readonly Regex Stars = new(@"\*{2,}", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    public static string PartitionOf(string? region) =>
        region is null ? "aws"
        : region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
        : region.StartsWith("us-iso-", StringComparison.Ordinal) ? "aws-iso"
        : region.StartsWith("us-isob-", StringComparison.Ordinal) ? "aws-iso-b"
        : "aws";

    public static bool IsArn(string value) => value.StartsWith("arn:", StringComparison.Ordinal) && value.Split(':').Length >= 6;

    /// <summary>The service field of an ARN, or null.</summary>
    public static string? ServiceOf(string arn)
    {
        var parts = arn.Split(new[] { ':' }, 6);
        return parts.Length == 6 ? parts[2] : null;
    }

    /// <summary>Replaces the region and/or account fields with <c>*</c> (empty fields stay empty, as in S3 ARNs).</summary>
    public static string Generalize(string arn, PolicyGeneralization generalize)
    {
        if (generalize == PolicyGeneralization.None || !IsArn(arn))
        {
            return arn;
        }

        var parts = arn.Split(new[] { ':' }, 6);
        if (generalize.HasFlag(PolicyGeneralization.Region) && parts[3].Length > 0)
        {
            parts[3] = "*";
        }

        if (generalize.HasFlag(PolicyGeneralization.Account) && parts[4].Length > 0)
        {
            parts[4] = "*";
        }

        return string.Join(":", parts);
    }

    /// <summary>
    /// The Pattern form of an observed ARN: generated parts of each name replaced by <c>*</c>,
    /// S3 object keys reduced to their folder. Wildcards only ever widen the ARN, never narrow it.
    /// </summary>
    public static string ToPattern(string arn)
    {
        if (!IsArn(arn))
        {
            return arn;
        }

        var parts = arn.Split(new[] { ':' }, 6);
        var resource = parts[5];
        if (parts[2] == "s3" && resource.IndexOf('/') > 0)
        {
            // Object keys are data, not configuration (dates, ids): keep the bucket and the
            // key's top-level folder, the part an application's code usually fixes.
            var slash = resource.IndexOf('/');
            var bucket = PatternName(resource.Substring(0, slash));
            var key = resource.Substring(slash + 1);
            var folder = key.IndexOf('/');
            var prefix = folder <= 0 ? string.Empty : PatternName(key.Substring(0, folder)) + "/";
            parts[5] = Stars.Replace(bucket + "/" + prefix + "*", "*");
        }
        else if (parts[2] == "cloudformation" && resource.StartsWith("stack/", StringComparison.Ordinal))
        {
            // stack/<name>/<guid>: the id changes with every create.
            var segments = resource.Split('/');
            parts[5] = "stack/" + PatternName(segments.Length > 1 ? segments[1] : "*") + "/*";
        }
        else
        {
            parts[5] = PatternPath(resource);
        }

        return string.Join(":", parts);
    }

    private static string PatternPath(string resource)
    {
        // Generalize each '/'- or ':'-separated name on its own, keeping the separators.
        var result = new System.Text.StringBuilder(resource.Length);
        var start = 0;
        for (var i = 0; i <= resource.Length; i++)
        {
            if (i == resource.Length || resource[i] == '/' || resource[i] == ':')
            {
                result.Append(PatternName(resource.Substring(start, i - start)));
                if (i < resource.Length)
                {
                    result.Append(resource[i]);
                }

                start = i + 1;
            }
        }

        return Stars.Replace(result.ToString(), "*");
    }

    private static string PatternName(string name)
    {
        if (name.Length == 0 || name == "*")
        {
            return name;
        }

        var pattern = Guid.Replace(name, "*");
        pattern = Timestamp.Replace(pattern, "*");
        pattern = CloudFormationSuffix.Replace(pattern, "-*");
        return Stars.Replace(pattern, "*");
    }
}
