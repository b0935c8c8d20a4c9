using System.Net.Sockets;
using System.Text.Json;
using LeastPriv.PowerShell.Tests.Harness;
using Xunit;

namespace LeastPriv.PowerShell.Tests.Infrastructure;

/// <summary>
/// <c>LeastPriv.Shell -StandIn</c>, run as a user runs the README's demo: the script reaches the
/// stand-in through its environment alone, the user's own AWS settings and sessions are left
/// alone, and nothing of the stand-in outlives the run.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ShellStandInTests
{
    // Only cmdlets and tools every build has: a discovery user made and removed, the AWS CLI.
    private const string Script = """
        $ErrorActionPreference = 'Stop'
        "endpoint|$env:AWS_ENDPOINT_URL"
        "home|$env:LEASTPRIV_HOME"
        "credentials|$env:AWS_SHARED_CREDENTIALS_FILE"
        "profile|$env:AWS_PROFILE"
        "region|$env:AWS_REGION"
        $identity = aws sts get-caller-identity --output json
        if ($LASTEXITCODE -ne 0) { throw "aws failed: $LASTEXITCODE" }
        "identity|$($identity -join '')"
        $user = New-LPDiscoveryUser -UserName lp-standin-check
        "user|$($user.PrincipalArn)"
        "manifests|$([System.IO.Directory]::GetFiles([System.IO.Path]::Combine($env:LEASTPRIV_HOME, 'sessions')).Count)"
        $removed = @($user | Remove-LPDiscoveryResources -Force)
        "removed|$(@($removed | Where-Object { "$($_.Action)" -eq 'Deleted' }).Count)"
        exit 5
        """;

    [Fact]
    public void StandIn_File_ReachesTheStandInThroughItsEnvironment_ExitCodePropagates_AndNothingOutlivesTheRun()
    {
        var script = ShellTests.TempScript(Script);
        var userHome = Directory.CreateTempSubdirectory("lp-user-home-").FullName;

        var result = ShellProcess.Run(
            ["-NonInteractive", "-StandIn", "-File", script],
            environment: new Dictionary<string, string?>
            {
                // The user's own settings: none may reach the script.
                ["AWS_PROFILE"] = "someone-elses-admin",
                ["AWS_ACCESS_KEY_ID"] = "AKIAUSERSOWNKEY00000",
                ["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9/",
                ["LEASTPRIV_HOME"] = userHome,
            });

        Assert.True(result.ExitCode == 5, $"exit {result.ExitCode}: {result.StdErr}");
        var values = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.Contains('|', StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf('|', StringComparison.Ordinal)], l => l[(l.IndexOf('|', StringComparison.Ordinal) + 1)..]);
        var endpoint = new Uri(values["endpoint"]);
        Assert.Equal("127.0.0.1", endpoint.Host);
        Assert.Equal(string.Empty, values["profile"]);
        Assert.Equal("us-east-1", values["region"]);
        Assert.NotEqual(userHome, values["home"]);
        using (var identity = JsonDocument.Parse(values["identity"]))
        {
            Assert.EndsWith(":user/leastpriv-operator", identity.RootElement.GetProperty("Arn").GetString(), StringComparison.Ordinal);
        }

        Assert.EndsWith(":user/lp-standin-check", values["user"], StringComparison.Ordinal);
        Assert.Equal("1", values["manifests"]);
        Assert.Equal("3", values["removed"]);
        Assert.Contains("Local AWS stand-in", result.StdErr, StringComparison.Ordinal);

        // Afterwards: the stand-in no longer listens, its profile and temporary home are deleted,
        // and the user's own LEASTPRIV_HOME was never written to.
        Assert.False(Listening(endpoint), $"{endpoint} still answers after the shell exited");
        Assert.False(File.Exists(values["credentials"]), values["credentials"]);
        Assert.False(Directory.Exists(values["home"]), values["home"]);
        Assert.Empty(Directory.EnumerateFileSystemEntries(userHome));
    }

    [Fact]
    public void StandIn_ScriptFails_ExitsOneAndStillStopsTheStandIn()
    {
        var result = ShellProcess.Run(["-NonInteractive", "-StandIn", "-Command", "\"endpoint|$env:AWS_ENDPOINT_URL\"; throw 'the workload failed'"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the workload failed", result.StdErr, StringComparison.Ordinal);
        var endpoint = new Uri(result.StdOut.Trim()["endpoint|".Length..]);
        Assert.False(Listening(endpoint), $"{endpoint} still answers after the shell exited");
    }

    [Fact]
    public void StandIn_AwsCliMissing_ClearErrorNamingWhatToInstall()
    {
        // A PATH with only dotnet on it and a HOME without pyenv: neither aws nor moto_server exists.
        var dotnetDirectory = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .First(d => File.Exists(Path.Combine(d, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet")));
        var emptyHome = Directory.CreateTempSubdirectory("lp-no-tools-").FullName;

        var result = ShellProcess.Run(
            ["-NonInteractive", "-StandIn", "-Command", "'never'"],
            environment: new Dictionary<string, string?> { ["PATH"] = dotnetDirectory, ["HOME"] = emptyHome, ["DOTNET_CLI_HOME"] = emptyHome });

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("pip install awscli", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("never", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void StandInHome_WithoutStandIn_IsACommandLineError()
    {
        var result = ShellProcess.Run(["-StandInHome", "/tmp/x", "-Command", "'never'"]);

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("-StandInHome needs -StandIn", result.StdErr, StringComparison.Ordinal);
    }

    private static bool Listening(Uri endpoint)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(endpoint.Host, endpoint.Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
