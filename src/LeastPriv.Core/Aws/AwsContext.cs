using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using Amazon.SecurityToken;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Core.Aws;

/// <summary>
/// Credentials, region and endpoints for one unit of work (a cmdlet invocation), resolved once
/// through AWSSDK.Core's own chains, and the factory of every AWS client the engine uses.
/// <para>Credentials: explicit keys → named profile (<c>-ProfileName</c>, else <c>AWS_PROFILE</c>;
/// any profile type the SDK supports: keys, SSO, assume-role, web identity, process) → environment
/// keys → the <c>default</c> profile → the SDK's default chain (web identity, container and
/// instance metadata).</para>
/// <para>Region: explicit → the profile's region → <c>AWS_REGION</c> / <c>AWS_DEFAULT_REGION</c>
/// → the SDK's fallback (config file default, instance metadata).</para>
/// <para>Endpoint per service: explicit <c>-EndpointUrl</c> → <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>
/// → <c>AWS_ENDPOINT_URL</c> → the public endpoint of the region's partition
/// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).</para>
/// </summary>
public sealed class AwsContext
{
    private static readonly HttpClient SharedHttp = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        Timeout = TimeSpan.FromSeconds(100),
    };

    private readonly Uri? _explicitEndpoint;

    private AwsContext(
        AWSCredentials credentials,
        string credentialSource,
        string? region,
        string regionSource,
        Uri? explicitEndpoint,
        AwsRetryPolicy retryPolicy,
        HttpClient http,
        IEngineReporter reporter)
    {
        Credentials = credentials;
        CredentialSource = credentialSource;
        Region = region;
        RegionSource = regionSource;
        _explicitEndpoint = explicitEndpoint;
        RetryPolicy = retryPolicy;
        Http = http;
        Reporter = reporter;
    }

    /// <summary>The SDK credentials object (refreshing ones refresh themselves).</summary>
    public AWSCredentials Credentials { get; }

    /// <summary>Where the credentials came from, e.g. <c>profile 'dev' (/home/me/.aws/credentials)</c>. Never a secret.</summary>
    public string CredentialSource { get; }

    /// <summary>The region, or null when none was found (only global IAM calls work then).</summary>
    public string? Region { get; }

    public string RegionSource { get; }

    public AwsPartition Partition => AwsRegions.PartitionOf(Region);

    public AwsRetryPolicy RetryPolicy { get; }

    internal HttpClient Http { get; }

    /// <summary>Where the clients report retries (Debug lines).</summary>
    internal IEngineReporter Reporter { get; }

    /// <summary>Resolves credentials, region and endpoint; reports the sources as Debug lines.</summary>
    public static AwsContext Resolve(AwsContextOptions options, IEngineReporter? reporter = null, HttpClient? http = null)
    {
        reporter ??= NullEngineReporter.Instance;

        // Bad input is reported before anything is looked up or called.
        if (options.Region is not null)
        {
            AwsRegions.Validate(options.Region);
        }

        var endpoint = options.EndpointUrl is null ? null : ValidateEndpoint(options.EndpointUrl, "-EndpointUrl");
        if (options.ProfileLocation is not null && !File.Exists(options.ProfileLocation))
        {
            throw new LeastPrivException(
                "AwsProfileLocationNotFound",
                LPErrorCategory.ObjectNotFound,
                $"The credentials file '{options.ProfileLocation}' does not exist.",
                options.ProfileLocation);
        }

        var (credentials, credentialSource, profile) = ResolveCredentials(options);
        var (region, regionSource) = ResolveRegion(options, profile);

        reporter.Debug($"AWS credentials: {credentialSource}.");
        reporter.Debug(region is null ? "AWS region: none found (global IAM calls only)." : $"AWS region: {region} ({regionSource}).");
        if (endpoint is not null)
        {
            reporter.Debug($"AWS endpoint for every service: {endpoint} (-EndpointUrl).");
        }

        return new AwsContext(credentials, credentialSource, region, regionSource, endpoint, options.RetryPolicy ?? AwsRetryPolicy.Default, http ?? SharedHttp, reporter);
    }

    /// <summary>
    /// The same region, endpoints and HTTP client with other credentials, e.g. a key just
    /// created for a discovery user. <paramref name="newKeyGrace"/> keeps retrying "unknown key"
    /// answers that long (IAM eventual consistency).
    /// </summary>
    public AwsContext WithCredentials(string accessKey, string secretKey, string? sessionToken, TimeSpan newKeyGrace, string source)
    {
        AWSCredentials creds = sessionToken is null
            ? new BasicAWSCredentials(accessKey, secretKey)
            : new SessionAWSCredentials(accessKey, secretKey, sessionToken);
        return new AwsContext(creds, source, Region, RegionSource, _explicitEndpoint, RetryPolicy.WithNewKeyGrace(newKeyGrace), Http, Reporter);
    }

    /// <summary>The same credentials and endpoints for another region (e.g. a trail's home region).</summary>
    public AwsContext WithRegion(string region)
        => new(Credentials, CredentialSource, AwsRegions.Validate(region), "trail home region", _explicitEndpoint, RetryPolicy, Http, Reporter);

    /// <summary>The same context with another retry policy.</summary>
    public AwsContext WithRetryPolicy(AwsRetryPolicy policy)
        => new(Credentials, CredentialSource, Region, RegionSource, _explicitEndpoint, policy, Http, Reporter);

    /// <summary>The region, or an <c>AwsRegionNotFound</c> error for regional services.</summary>
    public string RequireRegion(AwsService service)
    {
        if (Region is null)
        {
            throw new LeastPrivException(
                "AwsRegionNotFound",
                LPErrorCategory.InvalidOperation,
                $"No AWS region was given or found for {AwsServiceInfo.DisplayName(service)}. Pass -Region, set AWS_REGION, or set 'region' in the profile.",
                service)
            {
                RecommendedAction = "Pass -Region eu-west-1 (for example) or set the AWS_REGION environment variable.",
            };
        }

        return Region;
    }

    /// <summary>The endpoint for <paramref name="service"/>, and whether it was overridden.</summary>
    public AwsEndpoint EndpointFor(AwsService service)
    {
        var custom = AwsEndpointResolver.Override(service, _explicitEndpoint);
        var partition = Partition;
        var signingRegion = service == AwsService.Iam ? partition.IamSigningRegion : RequireRegion(service);
        if (custom is not null)
        {
            return new AwsEndpoint(service, custom.Value.Url, signingRegion, custom.Value.Source, true);
        }

        return new AwsEndpoint(service, AwsEndpointResolver.Default(service, signingRegion, partition), signingRegion, "partition default", false);
    }

    public IIamApi CreateIamClient() => new IamClient(this);

    public ICloudTrailApi CreateCloudTrailClient() => new CloudTrailClient(this);

    public IAccessAnalyzerApi CreateAccessAnalyzerClient() => new AccessAnalyzerClient(this);

    /// <summary>The official S3 client; path-style addressing when the endpoint is overridden (no wildcard DNS on 127.0.0.1).</summary>
    public IAmazonS3 CreateS3Client()
    {
        var endpoint = EndpointFor(AwsService.S3);
        var config = new AmazonS3Config { MaxErrorRetry = RetryPolicy.MaxAttempts - 1 };
        if (endpoint.IsOverride)
        {
            config.ServiceURL = endpoint.Url.ToString();
            config.AuthenticationRegion = endpoint.SigningRegion;
            config.ForcePathStyle = true;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(endpoint.SigningRegion);
        }

        return new AmazonS3Client(Credentials, config);
    }

    /// <summary>The official STS client (regional endpoint, as current SDKs default to).</summary>
    public IAmazonSecurityTokenService CreateStsClient()
    {
        var endpoint = EndpointFor(AwsService.Sts);
        var config = new AmazonSecurityTokenServiceConfig { MaxErrorRetry = RetryPolicy.MaxAttempts - 1 };
        if (endpoint.IsOverride)
        {
            config.ServiceURL = endpoint.Url.ToString();
            config.AuthenticationRegion = endpoint.SigningRegion;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(endpoint.SigningRegion);
        }

        return new AmazonSecurityTokenServiceClient(Credentials, config);
    }

    internal static Uri ValidateEndpoint(string value, string origin)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new LeastPrivException(
                "AwsEndpointInvalid",
                LPErrorCategory.InvalidArgument,
                $"The endpoint '{value}' ({origin}) is not an absolute http:// or https:// URL.",
                value);
        }

        return uri;
    }

    private static (AWSCredentials Credentials, string Source, CredentialProfile? Profile) ResolveCredentials(AwsContextOptions options)
    {
        // AWSSDK.Core reads AWS_SHARED_CREDENTIALS_FILE once per process; read it on every
        // resolution so a change in the session is honoured.
        var o = options;
        if (o.ProfileLocation is null && Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE") is { Length: > 0 } envFile && File.Exists(envFile))
        {
            o = new AwsContextOptions
            {
                ProfileName = options.ProfileName,
                ProfileLocation = envFile,
                AccessKey = options.AccessKey,
                SecretKey = options.SecretKey,
                SessionToken = options.SessionToken,
            };
        }

        if (o.AccessKey is not null || o.SecretKey is not null || o.SessionToken is not null)
        {
            if (string.IsNullOrEmpty(o.AccessKey) || string.IsNullOrEmpty(o.SecretKey))
            {
                throw new LeastPrivException(
                    "AwsCredentialsIncomplete",
                    LPErrorCategory.InvalidArgument,
                    "-AccessKey and -SecretKey must be given together (and -SessionToken only with both).",
                    o.AccessKey);
            }

            AWSCredentials explicitCreds = string.IsNullOrEmpty(o.SessionToken)
                ? new BasicAWSCredentials(o.AccessKey, o.SecretKey)
                : new SessionAWSCredentials(o.AccessKey, o.SecretKey, o.SessionToken);
            var profileForRegion = TryGetProfile(o.ProfileLocation, o.ProfileName ?? EnvProfileName() ?? "default");
            return (explicitCreds, $"-AccessKey/-SecretKey parameters (key {MaskKey(o.AccessKey!)})", profileForRegion);
        }

        var chain = new CredentialProfileStoreChain(o.ProfileLocation);
        var named = o.ProfileName ?? EnvProfileName();
        if (named is not null)
        {
            var origin = o.ProfileName is not null ? "-ProfileName" : "AWS_PROFILE";
            if (!chain.TryGetProfile(named, out var profile))
            {
                throw new LeastPrivException(
                    "AwsProfileNotFound",
                    LPErrorCategory.ObjectNotFound,
                    $"The AWS profile '{named}' ({origin}) was not found in {DescribeLocation(o.ProfileLocation)}.",
                    named)
                {
                    RecommendedAction = "Check the profile name with 'aws configure list-profiles', or pass -ProfileLocation.",
                };
            }

            return (ProfileCredentials(chain, named, origin), $"profile '{named}' ({origin}, {DescribeLocation(o.ProfileLocation)})", profile);
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID")))
        {
            try
            {
                var env = new EnvironmentVariablesAWSCredentials();
                return (env, $"environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (key {MaskKey(env.GetCredentials().AccessKey)})", TryGetProfile(o.ProfileLocation, "default"));
            }
            catch (InvalidOperationException ex)
            {
                throw NotFound(ex);
            }
        }

        if (chain.TryGetProfile("default", out var defaultProfile))
        {
            return (ProfileCredentials(chain, "default", "default profile"), $"profile 'default' ({DescribeLocation(o.ProfileLocation)})", defaultProfile);
        }

        if (options.ProfileLocation is not null)
        {
            // An explicit credentials file was given and holds no usable profile: do not silently
            // fall back to the machine's identity.
            throw NotFound(null);
        }

        try
        {
            var creds = DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
            return (creds, $"AWSSDK default chain ({creds.GetType().Name})", null);
        }
        catch (AmazonClientException ex)
        {
            throw NotFound(ex);
        }
    }

    private static AWSCredentials ProfileCredentials(CredentialProfileStoreChain chain, string name, string origin)
    {
        try
        {
            if (chain.TryGetAWSCredentials(name, out var creds))
            {
                return creds;
            }
        }
        catch (Exception ex) when (ex is AmazonClientException or InvalidOperationException or ArgumentException)
        {
            throw new LeastPrivException(
                "AwsProfileInvalid",
                LPErrorCategory.InvalidData,
                $"The AWS profile '{name}' ({origin}) cannot give credentials: {ex.Message}",
                name,
                ex);
        }

        throw new LeastPrivException(
            "AwsProfileInvalid",
            LPErrorCategory.InvalidData,
            $"The AWS profile '{name}' ({origin}) holds no usable credentials (keys, SSO, role or process settings).",
            name);
    }

    private static (string? Region, string Source) ResolveRegion(AwsContextOptions o, CredentialProfile? profile)
    {
        if (o.Region is not null)
        {
            return (o.Region, "-Region");
        }

        if (profile?.Region is not null)
        {
            return (FromEnvironmentOrConfig(profile.Region.SystemName, $"profile '{profile.Name}'"), $"profile '{profile.Name}'");
        }

        foreach (var name in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
        {
            var value = Environment.GetEnvironmentVariable(name);
            if (!string.IsNullOrEmpty(value))
            {
                return (FromEnvironmentOrConfig(value!, name), name);
            }
        }

        try
        {
            FallbackRegionFactory.Reset();
            var fallback = FallbackRegionFactory.GetRegionEndpoint();
            if (fallback is not null)
            {
                return (FromEnvironmentOrConfig(fallback.SystemName, "AWSSDK fallback"), "AWSSDK fallback");
            }
        }
        catch (AmazonClientException)
        {
            // No region anywhere: regional services report AwsRegionNotFound when asked for.
        }

        return (null, "none");
    }

    private static string FromEnvironmentOrConfig(string value, string origin)
    {
        if (!AwsRegions.IsValid(value))
        {
            throw new LeastPrivException(
                "AwsRegionInvalid",
                LPErrorCategory.InvalidArgument,
                $"'{value}' ({origin}) is not an AWS region name (for example eu-west-1).",
                value);
        }

        return value;
    }

    private static CredentialProfile? TryGetProfile(string? location, string name)
        => new CredentialProfileStoreChain(location).TryGetProfile(name, out var p) ? p : null;

    private static string? EnvProfileName()
    {
        var v = Environment.GetEnvironmentVariable("AWS_PROFILE");
        return string.IsNullOrEmpty(v) ? null : v;
    }

    private static string DescribeLocation(string? location) => location ?? "the default shared config and credentials files";

    /// <summary>Shows only the first four and last four characters of an access key id.</summary>
    internal static string MaskKey(string accessKey)
        => accessKey.Length <= 8 ? new string('*', accessKey.Length) : accessKey.Substring(0, 4) + "…" + accessKey.Substring(accessKey.Length - 4);

    private static LeastPrivException NotFound(Exception? inner) => new(
        "AwsCredentialsNotFound",
        LPErrorCategory.AuthenticationError,
        "No AWS credentials were found. Pass -ProfileName (a profile in ~/.aws/credentials or ~/.aws/config), "
        + "or -AccessKey and -SecretKey, or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
        null,
        inner)
    {
        RecommendedAction = "Run 'aws configure' (or 'aws configure sso') to create a profile, then pass -ProfileName or set AWS_PROFILE.",
    };
}
