namespace LeastPriv.Core.Discovery.Capture;

/// <summary>
/// The environment variables a workload under capture gets. AWS CLI, Terraform and the AWS SDKs
/// read credentials from the environment before any profile, but a few variables would still win
/// over (or mix with) injected keys: a profile name, a session token or expiration left from
/// other credentials, web identity and container credential settings. Those are removed for the
/// duration (https://docs.aws.amazon.com/sdkref/latest/guide/settings-reference.html).
/// </summary>
public static class CaptureEnvironment
{
    public const string AccessKeyIdVariable = "AWS_ACCESS_KEY_ID";
    public const string SecretAccessKeyVariable = "AWS_SECRET_ACCESS_KEY";
    public const string SessionTokenVariable = "AWS_SESSION_TOKEN";
    public const string RegionVariable = "AWS_REGION";
    public const string DefaultRegionVariable = "AWS_DEFAULT_REGION";
    public const string EndpointVariable = "AWS_ENDPOINT_URL";

    /// <summary>Variables that select or carry other credentials; unset while the workload runs.</summary>
    public static readonly IReadOnlyList<string> ConflictingVariables = new[]
    {
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SECURITY_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_ROLE_ARN",
        "AWS_ROLE_SESSION_NAME",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",

        // Older SDK spellings of the key pair (AWS SDK for Java 1.x, some tools).
        "AWS_ACCESS_KEY",
        "AWS_SECRET_KEY",
    };

    /// <summary>The prefix of the per-service endpoint variables (AWS_ENDPOINT_URL_S3, ...).</summary>
    public const string ServiceEndpointPrefix = "AWS_ENDPOINT_URL_";

    /// <summary>
    /// The variables to set (value) and unset (null) for a workload.
    /// <list type="bullet">
    /// <item>AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY always; AWS_SESSION_TOKEN for temporary
    /// credentials, unset otherwise (a stale token would be sent with the key and refused).</item>
    /// <item>AWS_REGION and AWS_DEFAULT_REGION when a region is known, left as they are otherwise.</item>
    /// <item>With an endpoint: AWS_ENDPOINT_URL is set, and the per-service AWS_ENDPOINT_URL_&lt;SERVICE&gt;
    /// variables and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS are unset, so every call goes to that one
    /// endpoint (as -EndpointUrl does for the cmdlets). Without one, the caller's endpoint
    /// variables are left as they are.</item>
    /// </list>
    /// </summary>
    /// <param name="credentials">The workload's credentials.</param>
    /// <param name="region">The session's region, or null to leave the region variables alone.</param>
    /// <param name="endpointUrl">One endpoint for every service, or null to leave the endpoint variables alone.</param>
    /// <param name="currentNames">The names currently set in the environment (to find the per-service endpoint variables).</param>
    public static IReadOnlyDictionary<string, string?> Changes(CaptureCredentials credentials, string? region, string? endpointUrl, IEnumerable<string> currentNames)
    {
        if (credentials is null)
        {
            throw new ArgumentNullException(nameof(credentials));
        }

        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in ConflictingVariables)
        {
            changes[name] = null;
        }

        changes[AccessKeyIdVariable] = credentials.AccessKeyId;
        changes[SecretAccessKeyVariable] = credentials.SecretAccessKey;
        changes[SessionTokenVariable] = string.IsNullOrEmpty(credentials.SessionToken) ? null : credentials.SessionToken;
        if (!string.IsNullOrEmpty(region))
        {
            changes[RegionVariable] = region;
            changes[DefaultRegionVariable] = region;
        }

        if (!string.IsNullOrEmpty(endpointUrl))
        {
            changes[EndpointVariable] = endpointUrl;
            changes["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = null;
            foreach (var name in currentNames ?? Array.Empty<string>())
            {
                if (name.StartsWith(ServiceEndpointPrefix, StringComparison.OrdinalIgnoreCase))
                {
                    changes[name] = null;
                }
            }
        }

        return changes;
    }

    /// <summary>True for the variables whose values are secrets (never shown in Verbose/Debug output).</summary>
    public static bool IsSecret(string name)
        => string.Equals(name, SecretAccessKeyVariable, StringComparison.OrdinalIgnoreCase)
            || string.Equals(name, SessionTokenVariable, StringComparison.OrdinalIgnoreCase);
}
