using System.Text.RegularExpressions;
using Amazon;

namespace LeastPriv.Core.Aws;

/// <summary>An AWS partition: its name, DNS suffix and the region IAM (a global service) is signed for.</summary>
public sealed class AwsPartition
{
    private AwsPartition(string name, string dnsSuffix, string iamSigningRegion, string iamHost)
    {
        Name = name;
        DnsSuffix = dnsSuffix;
        IamSigningRegion = iamSigningRegion;
        IamHost = iamHost;
    }

    public static readonly AwsPartition Aws = new("aws", "amazonaws.com", "us-east-1", "iam.amazonaws.com");

    public static readonly AwsPartition China = new("aws-cn", "amazonaws.com.cn", "cn-north-1", "iam.cn-north-1.amazonaws.com.cn");

    public static readonly AwsPartition GovCloud = new("aws-us-gov", "amazonaws.com", "us-gov-west-1", "iam.us-gov.amazonaws.com");

    /// <summary>The ARN partition: <c>aws</c>, <c>aws-cn</c> or <c>aws-us-gov</c>.</summary>
    public string Name { get; }

    public string DnsSuffix { get; }

    /// <summary>
    /// IAM has one endpoint per partition and is always signed for this region, whatever region
    /// the caller works in (botocore endpoints.json: <c>isRegionalized: false</c>).
    /// </summary>
    public string IamSigningRegion { get; }

    public string IamHost { get; }

    public override string ToString() => Name;
}

/// <summary>Region name checks and partition lookup, on AWSSDK.Core's own region table.</summary>
public static class AwsRegions
{
    private static readonly Regex ChinaPattern = new(@"^cn-\w+-\d+$", RegexOptions.CultureInvariant);
    private static readonly Regex GovPattern = new(@"^us-gov-\w+-\d+$", RegexOptions.CultureInvariant);

    /// <summary>Every region system name AWSSDK.Core knows, sorted (for argument completion).</summary>
    public static IReadOnlyList<string> KnownRegions { get; } =
        RegionEndpoint.EnumerableAllRegions.Select(r => r.SystemName).OrderBy(n => n, StringComparer.Ordinal).ToArray();

    /// <summary>
    /// True when <paramref name="region"/> is a region AWSSDK.Core knows, or matches one of its
    /// partition patterns (regions newer than the SDK build still pass).
    /// </summary>
    public static bool IsValid(string? region)
    {
        if (string.IsNullOrEmpty(region))
        {
            return false;
        }

        if (KnownRegions.Contains(region!, StringComparer.Ordinal))
        {
            return true;
        }

        return RegionEndpoint.AllPartitionRegionRegex.Any(p => Regex.IsMatch(region!, p, RegexOptions.CultureInvariant));
    }

    /// <summary>Throws <c>AwsRegionInvalid</c> unless the region is valid.</summary>
    public static string Validate(string region)
    {
        if (!IsValid(region))
        {
            throw new LeastPrivException(
                "AwsRegionInvalid",
                LPErrorCategory.InvalidArgument,
                $"'{region}' is not an AWS region name (for example eu-west-1 or us-east-1).",
                region)
            {
                RecommendedAction = "Pass a region system name such as eu-west-1 to -Region, or set AWS_REGION.",
            };
        }

        return region;
    }

    /// <summary>The partition a (valid) region belongs to; the commercial partition by default.</summary>
    public static AwsPartition PartitionOf(string? region)
    {
        if (region is null)
        {
            return AwsPartition.Aws;
        }

        if (ChinaPattern.IsMatch(region))
        {
            return AwsPartition.China;
        }

        if (GovPattern.IsMatch(region))
        {
            return AwsPartition.GovCloud;
        }

        return AwsPartition.Aws;
    }
}
