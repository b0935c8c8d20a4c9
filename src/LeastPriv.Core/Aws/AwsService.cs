namespace LeastPriv.Core.Aws;

/// <summary>The AWS services the engine talks to.</summary>
public enum AwsService
{
    Iam,
    Sts,
    S3,
    CloudTrail,
    AccessAnalyzer,
}

/// <summary>Wire facts per service (signing name, endpoint prefix, endpoint variable suffix).</summary>
internal static class AwsServiceInfo
{
    /// <summary>The SigV4 signing name (the model's <c>signingName</c>).</summary>
    public static string SigningName(AwsService service) => service switch
    {
        AwsService.Iam => "iam",
        AwsService.Sts => "sts",
        AwsService.S3 => "s3",
        AwsService.CloudTrail => "cloudtrail",
        AwsService.AccessAnalyzer => "access-analyzer",
        _ => throw new ArgumentOutOfRangeException(nameof(service)),
    };

    /// <summary>
    /// The suffix of <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>: the service id upper-cased with spaces
    /// replaced by underscores (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
    /// </summary>
    public static string EndpointVariableSuffix(AwsService service) => service switch
    {
        AwsService.Iam => "IAM",
        AwsService.Sts => "STS",
        AwsService.S3 => "S3",
        AwsService.CloudTrail => "CLOUDTRAIL",
        AwsService.AccessAnalyzer => "ACCESSANALYZER",
        _ => throw new ArgumentOutOfRangeException(nameof(service)),
    };

    public static string DisplayName(AwsService service) => service switch
    {
        AwsService.Iam => "IAM",
        AwsService.Sts => "STS",
        AwsService.S3 => "S3",
        AwsService.CloudTrail => "CloudTrail",
        AwsService.AccessAnalyzer => "AccessAnalyzer",
        _ => throw new ArgumentOutOfRangeException(nameof(service)),
    };
}
