namespace LeastPriv.Core.Aws;

/// <summary>
/// What the caller said about credentials, region and endpoint; everything optional. The names
/// are those of the common parameters of AWS Tools for PowerShell.
/// </summary>
public sealed class AwsContextOptions
{
    public string? ProfileName { get; set; }

    /// <summary>
    /// A shared credentials file (ini). Profile settings of the config file (region, SSO, roles)
    /// come from <c>AWS_CONFIG_FILE</c> when set, else from a <c>config</c> file beside it.
    /// </summary>
    public string? ProfileLocation { get; set; }

    public string? Region { get; set; }

    /// <summary>One endpoint for every service (an emulator or a VPC endpoint).</summary>
    public string? EndpointUrl { get; set; }

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    public string? SessionToken { get; set; }

    /// <summary>Retry behaviour of the clients built from the context.</summary>
    public AwsRetryPolicy? RetryPolicy { get; set; }
}
