using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace LeastPriv.Emulator.Testing;

/// <summary>The outcome of one AWS CLI run.</summary>
public sealed record AwsCliResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>stdout parsed as JSON (the CLI's default output).</summary>
    public JsonElement Json => JsonDocument.Parse(StandardOutput.Length == 0 ? "{}" : StandardOutput).RootElement.Clone();

    public override string ToString() => $"exit {ExitCode}: {StandardOutput}{StandardError}";
}

/// <summary>
/// Runs the AWS CLI against the stand-in as a workload would: its own config and credentials files
/// (temporary, never the user's), no instance metadata look-ups, the stand-in as endpoint.
/// </summary>
public sealed class AwsCli : IDisposable
{
    private readonly string _directory;

    public AwsCli(Uri endpoint, string accessKeyId, string secretAccessKey, string region = "us-east-1", string? sessionToken = null)
    {
        Path = ToolLocator.Find("aws") ?? throw new StandInException(
            "The AWS CLI ('aws') was not found on PATH or in $HOME/.pyenv/shims. Install it (pip install awscli) to run the CLI workloads.");
        Endpoint = endpoint;
        Region = region;
        _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "leastpriv-cli-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_directory);
        ConfigFile = System.IO.Path.Combine(_directory, "config");
        CredentialsFile = System.IO.Path.Combine(_directory, "credentials");
        File.WriteAllText(ConfigFile, $"[default]\nregion = {region}\noutput = json\n");
        var credentials = new StringBuilder($"[default]\naws_access_key_id = {accessKeyId}\naws_secret_access_key = {secretAccessKey}\n");
        if (sessionToken is not null)
        {
            credentials.Append("aws_session_token = ").Append(sessionToken).Append('\n');
        }

        File.WriteAllText(CredentialsFile, credentials.ToString());
    }

    public string Path { get; }

    public Uri Endpoint { get; }

    public string Region { get; }

    public string ConfigFile { get; }

    public string CredentialsFile { get; }

    /// <summary>Runs <c>aws --endpoint-url {stand-in} {args}</c>; <paramref name="profile"/> picks a profile of <see cref="CredentialsFile"/>.</summary>
    public async Task<AwsCliResult> RunAsync(IEnumerable<string> args, string? profile = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--endpoint-url");
        start.ArgumentList.Add(Endpoint.ToString().TrimEnd('/'));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["AWS_CONFIG_FILE"] = ConfigFile;
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = CredentialsFile;
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_DEFAULT_REGION"] = Region;
        start.Environment["AWS_PAGER"] = string.Empty;
        if (profile is not null)
        {
            start.Environment["AWS_PROFILE"] = profile;
        }

        using var process = Process.Start(start) ?? throw new StandInException($"Could not start {Path}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new AwsCliResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    public Task<AwsCliResult> RunAsync(params string[] args) => RunAsync(args, null, CancellationToken.None);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
