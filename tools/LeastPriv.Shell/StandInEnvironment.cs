using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace LeastPriv.Shell;

/// <summary>
/// <c>-StandIn</c>: the local AWS stand-in (moto behind the emulator layer, IAM enforced) for the
/// length of one script. Starts it, points this process's environment (and so the script, the
/// module and every AWS CLI the script runs) at it with the operator's credentials in a temporary
/// profile, and on dispose stops it, restores the environment and deletes the temporary files.
/// Nothing of the user's own AWS configuration or LeastPriv sessions is read or written.
/// <para>
/// The stand-in runs as a child process (tests/LeastPriv.Emulator) rather than in this one: it
/// carries AWSSDK.Core, which must not sit in the shell's default load context beside whatever
/// AWSSDK.Core a script loads. The child stops when its standard input closes, so it cannot
/// outlive the shell, and it ignores a terminal's Ctrl+C so the script's teardown still reaches it.
/// </para>
/// </summary>
internal sealed class StandInEnvironment : IDisposable
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

    private readonly Process _process;
    private readonly string _directory;
    private readonly Dictionary<string, string?> _saved = new(StringComparer.Ordinal);
    private string _operatorKey = string.Empty;
    private string _operatorSecret = string.Empty;
    private string _awsCli = string.Empty;
    private bool _disposed;

    private StandInEnvironment(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    /// <summary>The stand-in's URL, as AWS_ENDPOINT_URL holds it.</summary>
    public string Endpoint { get; private set; } = string.Empty;

    public string Account { get; private set; } = string.Empty;

    /// <summary>The LEASTPRIV_HOME the script runs with.</summary>
    public string Home { get; private set; } = string.Empty;

    /// <summary>The stand-in's runnable, built beside the shell by its project reference.</summary>
    public static string EmulatorAssembly =>
        Environment.GetEnvironmentVariable("LEASTPRIV_STANDIN_ASSEMBLY") is { Length: > 0 } path ? path
        : typeof(StandInEnvironment).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "LeastPrivStandInAssembly")?.Value ?? string.Empty;

    /// <summary>
    /// Starts the stand-in and points the environment at it. <paramref name="home"/> is a
    /// LEASTPRIV_HOME to use and keep; null gives a temporary one, deleted afterwards.
    /// </summary>
    /// <exception cref="StandInStartException">moto_server or aws is missing, or the stand-in failed to start.</exception>
    public static StandInEnvironment Start(string? home, CancellationToken cancellationToken)
    {
        var assembly = EmulatorAssembly;
        if (!File.Exists(assembly))
        {
            throw new StandInStartException($"the stand-in ({assembly}) is not built. Run `dotnet build tools/LeastPriv.Shell` in the repository.");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(assembly);

        // moto uses botocore internally: a profile or key of the user's that it cannot resolve
        // turns its answers into 500s. The stand-in needs none of the user's AWS settings.
        foreach (var name in start.Environment.Keys.Where(IsUserAwsSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var arg in new[]
                 {
                     "--port", "0", "--enforce-iam", "--exit-with-stdin", "--require-aws-cli",
                     // Short enough for a demo, long enough that waiting for CloudTrail is visible.
                     "--delivery-delay-s", "1", "--delivery-interval-s", "1", "--analyzer-job-s", "2",
                     "--key-propagation-s", "1", "--lookup-rate", "0",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new StandInStartException("dotnet could not start the stand-in.");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();

        var environment = new StandInEnvironment(process, Path.Combine(Path.GetTempPath(), "leastpriv-standin-" + Guid.NewGuid().ToString("N")[..12]));
        try
        {
            environment.ReadStartup(cancellationToken, () =>
            {
                lock (stderr)
                {
                    return stderr.ToString();
                }
            });
            environment.Apply(home);
            return environment;
        }
        catch
        {
            environment.Dispose();
            throw;
        }
    }

    /// <summary>Reads the child's start-up lines (endpoint, account, keys, aws path) up to "ready".</summary>
    private void ReadStartup(CancellationToken cancellationToken, Func<string> errors)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var ready = false;
        using var cancel = cancellationToken.Register(() => Kill());
        while (_process.StandardOutput.ReadLine() is { } line)
        {
            if (line == "ready")
            {
                ready = true;
                break;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0)
            {
                values[line[..space]] = line[(space + 1)..];
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!ready)
        {
            var code = ExitCode();
            throw new StandInStartException(FirstError(errors()) ?? $"the stand-in exited before it was ready (exit code {code}).");
        }

        string Value(string key) => values.TryGetValue(key, out var v) ? v : throw new StandInStartException($"the stand-in did not report its {key}.");

        Endpoint = Value("endpoint").TrimEnd('/');
        Account = Value("account");
        _operatorKey = Value("aws_access_key_id");
        _operatorSecret = Value("aws_secret_access_key");
        _awsCli = Value("aws_cli");
    }

    private void Apply(string? home)
    {
        Directory.CreateDirectory(_directory);
        Home = home is null ? Path.Combine(_directory, "home") : Path.GetFullPath(home);
        Directory.CreateDirectory(Home);
        var config = Path.Combine(_directory, "config");
        var credentials = Path.Combine(_directory, "credentials");
        File.WriteAllText(config, $"[default]\nregion = {Region}\noutput = json\n");
        File.WriteAllText(credentials, $"[default]\naws_access_key_id = {_operatorKey}\naws_secret_access_key = {_operatorSecret}\n");

        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(IsUserAwsSetting).ToList())
        {
            Set(name, null);
        }

        Set("AWS_ENDPOINT_URL", Endpoint);
        Set("AWS_CONFIG_FILE", config);
        Set("AWS_SHARED_CREDENTIALS_FILE", credentials);
        Set("AWS_REGION", Region);
        Set("AWS_DEFAULT_REGION", Region);
        Set("AWS_EC2_METADATA_DISABLED", "true");
        Set("AWS_PAGER", string.Empty);
        Set("LEASTPRIV_HOME", Home);

        // The AWS CLI may live only in $HOME/.pyenv/shims: the script calls it as `aws`.
        if (Path.GetDirectoryName(_awsCli) is { Length: > 0 } awsDirectory)
        {
            Set("PATH", awsDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"));
        }
    }

    /// <summary>One line for the user: where the stand-in runs and that it is temporary.</summary>
    public string Describe() =>
        $"Local AWS stand-in (moto + LeastPriv emulator layer, IAM enforced) at {Endpoint}, account {Account}, region {Region}; it stops when the script ends.";

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                // Closing its standard input is the stand-in's signal to stop moto and exit.
                _process.StandardInput.Close();
                if (!_process.WaitForExit(TimeSpan.FromSeconds(20)))
                {
                    Kill();
                }
            }

            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            _process.Dispose();
            foreach (var (name, value) in _saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            // The temporary home lives inside the directory; a home the user named is kept.
            try
            {
                if (Directory.Exists(_directory))
                {
                    Directory.Delete(_directory, recursive: true);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>Credentials, profiles and endpoint overrides (which win over AWS_ENDPOINT_URL) of the user.</summary>
    private static bool IsUserAwsSetting(string name) =>
        ClearedVariables.Contains(name, StringComparer.OrdinalIgnoreCase)
        || name.StartsWith("AWS_ENDPOINT_URL", StringComparison.OrdinalIgnoreCase)
        || name is "AWS_CONFIG_FILE" or "AWS_SHARED_CREDENTIALS_FILE";

    private void Set(string name, string? value)
    {
        _saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }
    }

    private int? ExitCode()
    {
        try
        {
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                return null;
            }

            _process.WaitForExit(); // drains the redirected error output
            return _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string? FirstError(string stderr) =>
        stderr.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("error: ", StringComparison.Ordinal)) is { } line
            ? line["error: ".Length..]
            : null;
}

/// <summary>The stand-in could not start; the message says why and what to install.</summary>
internal sealed class StandInStartException : Exception
{
    public StandInStartException(string message)
        : base(message)
    {
    }
}
