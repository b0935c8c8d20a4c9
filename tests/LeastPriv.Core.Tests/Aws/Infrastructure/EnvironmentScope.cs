using Xunit;

namespace LeastPriv.Core.Tests.Aws.Infrastructure;

/// <summary>
/// Sets process environment variables for one test and restores the previous values on
/// dispose. Every AWS variable the context reads is cleared first, so the machine's own
/// settings never leak into a test. Tests using it run in the non-parallel
/// <see cref="AwsEnvironmentCollection"/>.
/// </summary>
public sealed class EnvironmentScope : IDisposable
{
    public static readonly string[] AwsVariables =
    {
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
        "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_S3",
        "AWS_ENDPOINT_URL_CLOUDTRAIL", "AWS_ENDPOINT_URL_ACCESSANALYZER", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_EC2_METADATA_DISABLED",
    };

    private readonly Dictionary<string, string?> _saved = new();

    public EnvironmentScope(string? home = null)
    {
        foreach (var name in AwsVariables)
        {
            Set(name, null);
        }

        // Never reach for instance metadata (only 127.0.0.1 is allowed).
        Set("AWS_EC2_METADATA_DISABLED", "true");

        // AWSSDK.Core fixes its default config-file path once per process, from AWS_CONFIG_FILE
        // at first use; left unset, the SDK reads the `config` file beside the credentials file
        // it is given. The context reads AWS_SHARED_CREDENTIALS_FILE on every resolution, so a
        // test points it at its own folder.
        if (home is not null)
        {
            Set("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(home, "credentials"));
        }
    }

    public EnvironmentScope Set(string name, string? value)
    {
        if (!_saved.ContainsKey(name))
        {
            _saved[name] = Environment.GetEnvironmentVariable(name);
        }

        Environment.SetEnvironmentVariable(name, value);
        return this;
    }

    public void Dispose()
    {
        foreach (var kv in _saved)
        {
            Environment.SetEnvironmentVariable(kv.Key, kv.Value);
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AwsEnvironmentCollection
{
    public const string Name = "AWS environment";
}
