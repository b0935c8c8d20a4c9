using System.Globalization;
using LeastPriv.Emulator;

namespace LeastPriv.Shell;

/// <summary>
/// <c>-StandIn</c>: the local AWS stand-in (moto behind the emulator layer, IAM enforced) for the
/// length of one script. Starts it, points this process's environment (and so the script, the
/// module and every AWS CLI the script runs) at it with the operator's credentials in a temporary
/// profile, and on dispose stops it, restores the environment and deletes the temporary files.
/// Nothing of the user's own AWS configuration or LeastPriv sessions is read or written.
/// </summary>
internal sealed class StandInEnvironment : IAsyncDisposable
{
    /// <summary>The region the stand-in's profile names (moto serves every region).</summary>
    public const string Region = "us-east-1";

    // Every variable that could send a call elsewhere or sign it with the user's own identity.
    private static readonly string[] ClearedVariables =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
        "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ];

    private readonly StandIn _standIn;
    private readonly string _directory;
    private readonly Dictionary<string, string?> _saved;
    private bool _disposed;

    private StandInEnvironment(StandIn standIn, string directory, string home, Dictionary<string, string?> saved)
    {
        _standIn = standIn;
        _directory = directory;
        Home = home;
        _saved = saved;
    }

    /// <summary>The stand-in's URL, as AWS_ENDPOINT_URL holds it.</summary>
    public string Endpoint => _standIn.Endpoint.ToString().TrimEnd('/');

    public string Account => _standIn.Account;

    /// <summary>The LEASTPRIV_HOME the script runs with.</summary>
    public string Home { get; }

    /// <summary>
    /// The tools the stand-in and its workloads need, or a message naming what to install.
    /// </summary>
    public static string? MissingTools()
    {
        var missing = new List<string>();
        if (MotoServer() is null)
        {
            missing.Add("moto_server (moto 5.x with its server extra: pip install 'moto[server]')");
        }

        if (ToolLocator.Find("aws") is null)
        {
            missing.Add("the AWS CLI 'aws' (pip install awscli)");
        }

        return missing.Count == 0 ? null
            : "-StandIn needs " + string.Join(" and ", missing) + ", looked up on PATH and in $HOME/.pyenv/shims. Install "
              + (missing.Count == 1 ? "it" : "them") + " into the Python on PATH, or run the script against AWS without -StandIn.";
    }

    private static string? MotoServer() => Emulator.Moto.MotoProcess.Locate();

    /// <summary>
    /// Starts the stand-in and points the environment at it. <paramref name="home"/> is a
    /// LEASTPRIV_HOME to use and keep; null gives a temporary one, deleted afterwards.
    /// </summary>
    public static async Task<StandInEnvironment> StartAsync(string? home, Action<string>? log, CancellationToken cancellationToken)
    {
        var options = new StandInOptions
        {
            Port = 0,
            EnforceIam = true,
            // Short enough for a demo, long enough that waiting for CloudTrail is visible.
            DeliveryDelay = TimeSpan.FromSeconds(1),
            DeliveryInterval = TimeSpan.FromSeconds(1),
            AccessAnalyzerJobDuration = TimeSpan.FromSeconds(2),
            KeyPropagationDelay = TimeSpan.FromSeconds(1),
            LookupEventsRate = 0,
            Log = log,
        };

        var standIn = await StandIn.StartAsync(options, cancellationToken).ConfigureAwait(false);
        var directory = Path.Combine(Path.GetTempPath(), "leastpriv-standin-" + Guid.NewGuid().ToString("N")[..12]);
        var saved = new Dictionary<string, string?>(StringComparer.Ordinal);
        try
        {
            Directory.CreateDirectory(directory);
            home = home is null ? Path.Combine(directory, "home") : Path.GetFullPath(home);
            Directory.CreateDirectory(home);

            var config = Path.Combine(directory, "config");
            var credentials = Path.Combine(directory, "credentials");
            File.WriteAllText(config, $"[default]\nregion = {Region}\noutput = json\n");
            CredentialsProfileWriter.Write(credentials, "default", standIn.Operator.AccessKeyId, standIn.Operator.SecretAccessKey);

            void Set(string name, string? value)
            {
                if (!saved.ContainsKey(name))
                {
                    saved[name] = Environment.GetEnvironmentVariable(name);
                }

                Environment.SetEnvironmentVariable(name, value);
            }

            foreach (var name in ClearedVariables)
            {
                Set(name, null);
            }

            // Per-service endpoint overrides would win over AWS_ENDPOINT_URL.
            foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<object>().Select(k => (string)k)
                         .Where(k => k.StartsWith("AWS_ENDPOINT_URL_", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                Set(name, null);
            }

            var environment = new StandInEnvironment(standIn, directory, home, saved);
            Set("AWS_ENDPOINT_URL", environment.Endpoint);
            Set("AWS_CONFIG_FILE", config);
            Set("AWS_SHARED_CREDENTIALS_FILE", credentials);
            Set("AWS_REGION", Region);
            Set("AWS_DEFAULT_REGION", Region);
            Set("AWS_EC2_METADATA_DISABLED", "true");
            Set("AWS_PAGER", string.Empty);
            Set("LEASTPRIV_HOME", home);

            // The AWS CLI may live only in $HOME/.pyenv/shims: the script calls it as `aws`.
            if (ToolLocator.Find("aws") is { } aws && Path.GetDirectoryName(aws) is { } awsDirectory)
            {
                Set("PATH", awsDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"));
            }

            return environment;
        }
        catch
        {
            Restore(saved);
            await standIn.DisposeAsync().ConfigureAwait(false);
            TryDelete(directory);
            throw;
        }
    }

    /// <summary>One line for the user: where the stand-in runs and that it is temporary.</summary>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"Local AWS stand-in (moto + LeastPriv emulator layer, IAM enforced) at {Endpoint}, account {Account}, region {Region}; it stops when the script ends.");

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await _standIn.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            Restore(_saved);
            // The temporary home lives inside the directory; a home the user named is kept.
            TryDelete(_directory);
        }
    }

    private static void Restore(Dictionary<string, string?> saved)
    {
        foreach (var (name, value) in saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
