namespace LeastPriv.Core.Aws;

/// <summary>Where one service is called and what region its requests are signed for.</summary>
public sealed class AwsEndpoint
{
    public AwsEndpoint(AwsService service, Uri url, string signingRegion, string source, bool isOverride)
    {
        Service = service;
        Url = url;
        SigningRegion = signingRegion;
        Source = source;
        IsOverride = isOverride;
    }

    public AwsService Service { get; }

    public Uri Url { get; }

    public string SigningRegion { get; }

    /// <summary><c>-EndpointUrl</c>, <c>AWS_ENDPOINT_URL_IAM</c>, <c>AWS_ENDPOINT_URL</c> or <c>partition default</c>.</summary>
    public string Source { get; }

    /// <summary>True for a custom endpoint (emulator, VPC endpoint).</summary>
    public bool IsOverride { get; }

    public override string ToString() => $"{Url} (signed for {SigningRegion}; {Source})";
}

/// <summary>Endpoint rules: overrides from parameters and the environment, else the public endpoint.</summary>
internal static class AwsEndpointResolver
{
    /// <summary>
    /// The custom endpoint for a service, if any: the explicit one, then
    /// <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>, then <c>AWS_ENDPOINT_URL</c>. Both variables are
    /// ignored when <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS</c> is <c>true</c>
    /// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
    /// </summary>
    public static (Uri Url, string Source)? Override(AwsService service, Uri? explicitEndpoint)
    {
        if (explicitEndpoint is not null)
        {
            return (explicitEndpoint, "-EndpointUrl");
        }

        if (string.Equals(Environment.GetEnvironmentVariable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var serviceVariable = "AWS_ENDPOINT_URL_" + AwsServiceInfo.EndpointVariableSuffix(service);
        foreach (var name in new[] { serviceVariable, "AWS_ENDPOINT_URL" })
        {
            var value = Environment.GetEnvironmentVariable(name);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return (AwsContext.ValidateEndpoint(value!.Trim(), name), name);
            }
        }

        return null;
    }

    /// <summary>The public endpoint (aws-wire.md §2).</summary>
    public static Uri Default(AwsService service, string region, AwsPartition partition) => service switch
    {
        AwsService.Iam => new Uri($"https://{partition.IamHost}/"),
        AwsService.Sts => new Uri($"https://sts.{region}.{partition.DnsSuffix}/"),
        AwsService.S3 => new Uri($"https://s3.{region}.{partition.DnsSuffix}/"),
        AwsService.CloudTrail => new Uri($"https://cloudtrail.{region}.{partition.DnsSuffix}/"),
        AwsService.AccessAnalyzer => new Uri($"https://access-analyzer.{region}.{partition.DnsSuffix}/"),
        _ => throw new ArgumentOutOfRangeException(nameof(service)),
    };
}
